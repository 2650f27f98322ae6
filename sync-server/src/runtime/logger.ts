import { pino, type Logger } from 'pino';
import { PinoPretty, prettyFactory, type PrettyOptions } from 'pino-pretty';
import type { Config } from '../config.ts';

export type LogFormat = 'json' | 'pretty';

/** How a process writes its logs; resolved once on the main thread (a worker thread's stdout is never a terminal). */
export interface LogSettings {
  level: Config['LOG_LEVEL'];
  format: LogFormat;
  colorize: boolean;
}

/** `LOG_FORMAT` when given; otherwise human-readable lines in a terminal and JSON (for log collectors) elsewhere. */
export function logFormat(requested: string | undefined, isTTY: boolean): LogFormat {
  if (requested === 'json' || requested === 'pretty') return requested;
  return isTTY ? 'pretty' : 'json';
}

/** Colours where a terminal shows them: NO_COLOR turns them off, FORCE_COLOR on (https://no-color.org). */
export function colourful(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

export function logSettings(
  config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>,
  out: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): LogSettings {
  const isTTY = out.isTTY === true;
  return {
    level: config.LOG_LEVEL,
    format: logFormat(config.LOG_FORMAT, isTTY),
    colorize: colourful(env, isTTY),
  };
}

/** One line per record: time, level, message, then the record's fields (no pid/hostname: one machine, one process). */
export function prettyOptions(colorize: boolean): PrettyOptions {
  return { colorize, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' };
}

/** Renders one JSON log line as `prettyOptions` does (for a launcher showing a child's JSON logs to a person). */
export const prettyLine = (colorize: boolean): ((line: string) => string) =>
  prettyFactory(prettyOptions(colorize));

export function createLogger(s: LogSettings): Logger {
  if (s.format === 'json') return pino({ level: s.level });
  // Synchronous writes to fd 1, as pino's own destination: the lines of a stopping process are not lost.
  return pino({ level: s.level }, PinoPretty({ ...prettyOptions(s.colorize), destination: 1, sync: true }));
}
