import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { HostAppModule } from './host-app.module';
import { HostSessions } from './host-sessions.service';
import { InMemoryUserDirectory } from './in-memory-user-directory';

/** Builds the host application; the e2e test calls this, and so does the entry point below. */
export async function createHostApp(options: Parameters<typeof HostAppModule.forRoot>[0]): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(HostAppModule.forRoot(options), new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  return app;
}

// `npm run example:host-app` compiles it and starts it here: one directory user, Ada, with a
// session the host starts for her, on 127.0.0.1:$PORT, the store at $DATABASE_URL (SQLite by default).
if (require.main === module) {
  const directory = new InMemoryUserDirectory([{ id: 'u-ada', email: 'ada@example.com', employeeNumber: 'E1001' }]);
  (async () => {
    const app = await createHostApp({ config: { store: { databaseUrl: process.env.DATABASE_URL ?? 'sqlite:./data/host-app.sqlite' } }, directory });
    await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
    const session = await app.get(HostSessions).start('u-ada', 'portal');
    process.stdout.write(`host app on ${await app.getUrl()}; Ada's session ${session.id}, SRI ${session.sri}\n`);
  })().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
