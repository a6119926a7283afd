/**
 * Dockerfile instruction helpers: exec-form commands (JSON arrays, so signals reach the app) and a small
 * builder that keeps stages readable.
 */

const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~=%{}]/;

/**
 * The exec form of a start command: split on whitespace when it is a plain word list, else run it through
 * `sh -c` with `exec` so the app still gets PID 1's signals.
 */
export function execForm(command: string): string[] {
  const trimmed = command.trim();
  if (!SHELL_SYNTAX.test(trimmed)) return trimmed.split(/\s+/);
  return ['sh', '-c', `exec ${trimmed}`];
}

/** `CMD ["a","b"]` (JSON is valid Dockerfile exec form). */
export function cmd(command: string | string[], instruction: 'CMD' | 'ENTRYPOINT' = 'CMD'): string {
  const argv = typeof command === 'string' ? execForm(command) : command;
  return `${instruction} ${JSON.stringify(argv)}`;
}

/** Joins instruction lines; `undefined` and `false` entries are dropped, so recipes can use conditions. */
export function lines(...parts: (string | undefined | false)[]): string {
  return `${parts.filter((p): p is string => typeof p === 'string').join('\n')}\n`;
}
