import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError, createAppLogger, loadServerConfig, ServerConfig } from '@app/common';
import { createApp } from './bootstrap';
import { startTracing } from './tracing/tracing';

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadServerConfig();
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const started = Date.now();
  // Before the application, so that its first spans are exported; off unless OTEL_* asks for it.
  const stopTracing = await startTracing();
  const app = await createApp({ logger: createAppLogger(config.logging.level, config.logging.json) });
  // Spans still buffered are flushed when the application closes (SIGTERM, SIGINT).
  if (stopTracing) app.getHttpAdapter().getInstance().addHook('onClose', async () => { await stopTracing(); });
  const { port, host, issuer } = config.http;
  await app.listen(port, host);
  new Logger('Server').log(`Listening on http://${host}:${port} (issuer ${issuer}) in ${Date.now() - started} ms`);
}

main().catch((err) => {
  process.stderr.write(`Fatal: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
