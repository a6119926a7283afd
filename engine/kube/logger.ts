/** The logging engine/kube needs; the controller passes its structured logger in. */
export interface KubeLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

export const silentLogger: KubeLogger = { debug: noop, info: noop, warn: noop, error: noop };

function toStderr(level: string): (message: string, fields?: Record<string, unknown>) => void {
  return (message, fields) => {
    process.stderr.write(`${JSON.stringify({ level, component: 'kube', msg: message, ...fields })}\n`);
  };
}

/** Default: warnings and errors as JSON lines on stderr, nothing else. */
export const stderrLogger: KubeLogger = {
  debug: noop,
  info: noop,
  warn: toStderr('warn'),
  error: toStderr('error'),
};

export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { error: err.message, errorType: err.name };
  return { error: String(err) };
}
