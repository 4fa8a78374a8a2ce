import { createAppLogger } from './app-logger';

/** What the logger writes to stdout while `fn` runs, one parsed JSON line per entry. */
function captured(fn: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('createAppLogger', () => {
  it('keeps Nest’s module and route inventory out of the default level', () => {
    const logger = createAppLogger('log', true);
    const out = captured(() => {
      logger.log('Mapped {/token, POST} route', 'RouterExplorer');
      logger.log('OAuthController {/}:', 'RoutesResolver');
      logger.log('AppModule dependencies initialized', 'InstanceLoader');
      logger.log('Listening on http://127.0.0.1:8080', 'Bootstrap');
    });
    expect(out.map((l) => l.message)).toEqual(['Listening on http://127.0.0.1:8080']);
  });

  it('writes the inventory at debug', () => {
    const logger = createAppLogger('debug', true);
    const out = captured(() => logger.log('Mapped {/token, POST} route', 'RouterExplorer'));
    expect(out).toEqual([expect.objectContaining({ level: 'debug', context: 'RouterExplorer', message: 'Mapped {/token, POST} route' })]);
  });

  it('leaves warnings from those contexts alone', () => {
    const logger = createAppLogger('warn', true);
    const out = captured(() => logger.warn('Unknown route', 'RouterExplorer'));
    expect(out).toEqual([expect.objectContaining({ level: 'warn', message: 'Unknown route' })]);
  });
});
