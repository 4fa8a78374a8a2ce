import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { HostAppModule } from './host-app.module';
import { InMemoryUserDirectory } from './in-memory-user-directory';

/** Builds the host application; the e2e test calls this, and so does the entry point below. */
export async function createHostApp(options: Parameters<typeof HostAppModule.forRoot>[0]): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(HostAppModule.forRoot(options), new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  return app;
}

// Started directly (through a TypeScript runner that resolves the tsconfig paths `@app/*`), it
// serves one directory user on 127.0.0.1:$PORT with the store at $DATABASE_URL.
if (require.main === module) {
  const directory = new InMemoryUserDirectory([{ id: 'u-ada', email: 'ada@example.com', employeeNumber: 'E1001' }]);
  createHostApp({ config: { store: { databaseUrl: process.env.DATABASE_URL ?? 'sqlite:./data/host-app.sqlite' } }, directory })
    .then((app) => app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1'))
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
}
