import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, APP_CONFIG, loadAppConfig } from '@app/common';
import { AppModule } from './app.module';
import { setupSwagger } from './swagger';

export interface CreateAppOptions {
  config?: Partial<AppConfig>;
  logger?: LoggerService | false;
}

/** Builds the Fastify-based Nest application; main.ts and the e2e tests share it. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const base = { ...loadAppConfig(), ...options.config };
  const adapter = new FastifyAdapter({
    bodyLimit: base.bodyLimit,
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (request.ip, the audit log).
    trustProxy: base.trustProxy ?? false,
    // Duplicate JSON keys and prototype pollution attempts are refused while parsing.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    // Fastify answers 414 past 100 characters; path parameters carry SRIs (255) and URL-encoded user keys (1024).
    routerOptions: { maxParamLength: 4096 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options.config), adapter, {
    logger: options.logger === undefined ? undefined : options.logger,
    bufferLogs: false,
    abortOnError: false,
  });
  app.enableShutdownHooks();
  setupSwagger(app, app.get<AppConfig>(APP_CONFIG));
  return app;
}

export type App = INestApplication;
