import { ConsoleLogger, LogLevel } from '@nestjs/common';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest's start-up inventory (one line per module and per route, some 85 lines): detail, not news. */
const INVENTORY_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Nest's own logger in JSON mode: one structured line per event, no extra dependency. */
export function createAppLogger(level: string, json: boolean): ConsoleLogger {
  const upTo = Math.max(0, LEVELS.indexOf(level as LogLevel));
  return new AppLogger({ json, colors: !json, logLevels: LEVELS.slice(0, upTo + 1) });
}

/** Logs Nest's module and route inventory at debug, everything else as Nest would. */
class AppLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest.length > 0 ? rest[rest.length - 1] : this.context;
    if (typeof context === 'string' && INVENTORY_CONTEXTS.has(context)) this.debug(message, ...rest);
    else super.log(message, ...rest);
  }
}
