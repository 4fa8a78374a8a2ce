import { ConsoleLogger, LogLevel } from '@nestjs/common';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest's own logger in JSON mode: one structured line per event, no extra dependency. */
export function createAppLogger(level: string, json: boolean): ConsoleLogger {
  const upTo = Math.max(0, LEVELS.indexOf(level as LogLevel));
  return new ConsoleLogger({ json, colors: !json, logLevels: LEVELS.slice(0, upTo + 1) });
}
