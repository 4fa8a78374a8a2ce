import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTokenVerifier } from '../../../libs/resource-server/src';
import type { ResourceServerModuleOptions } from '../../../libs/resource-server/src/nest';
import { createFastifyOrdersApi } from './fastify-orders-api';
import { ordersApiSettings } from './orders-api.config';
import { OrdersApiModule } from './orders-api.module';

/** Builds the Nest variant; the e2e test calls this, and so does the entry point below. */
export async function createOrdersApi(options: ResourceServerModuleOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(OrdersApiModule.forRoot(options), new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  return app;
}

async function main(): Promise<void> {
  const settings = ordersApiSettings(process.env);
  if (settings.framework === 'fastify') {
    const app = createFastifyOrdersApi(createTokenVerifier(settings.verifier));
    await app.listen({ port: settings.port, host: settings.host });
    process.stdout.write(`orders API (Fastify) on http://${settings.host}:${settings.port}, tokens of ${settings.verifier.issuer}\n`);
    return;
  }
  const app = await createOrdersApi(settings.verifier);
  await app.listen(settings.port, settings.host);
  process.stdout.write(`orders API (Nest) on ${await app.getUrl()}, tokens of ${settings.verifier.issuer}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
