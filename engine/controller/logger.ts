/** Structured JSON logs, one object a line: time, level, msg and context (kind, namespace, name, id...). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  with(fields: Record<string, unknown>): Logger;
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  base: Record<string, unknown> = {},
  now: () => Date = () => new Date(),
): Logger {
  const log =
    (at: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      if (order[at] < order[level]) return;
      const entry: Record<string, unknown> = {
        time: now().toISOString(),
        level: at,
        msg,
        ...base,
        ...fields,
      };
      if (entry.error instanceof Error) entry.error = entry.error.message;
      write(JSON.stringify(entry));
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    with: (fields) => createLogger(level, write, { ...base, ...fields }, now),
  };
}

export const silentLogger: Logger = createLogger('error', () => {});
