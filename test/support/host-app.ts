import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AuthModule } from '@app/auth';
import { AppConfigModule, ConfigOverrides, OAuthExceptionFilter } from '@app/common';
import { FeatureFlagModule } from '@app/feature-flag';
import { SessionsCoreModule } from '@app/sessions';
import { StoreModule } from '@app/store';
import { storeCleanupsSettled, testAppConfig, testStoreConfig, TestApp } from './test-app';

export interface HostOptions {
  config?: ConfigOverrides;
  /** The modules under test, as the host mounts them. */
  imports: NonNullable<DynamicModule['imports']>;
  /** Replaces the default StoreModule on the test store, which does not retry a failed connection (a test of StoreModule.forRoot mounts its own). */
  store?: DynamicModule;
  /** Replaces FeatureFlagModule imported as is. */
  featureFlags?: DynamicModule;
}

/**
 * A host application of its own, as docs/extending.md describes one: the foundation modules on a
 * fresh test store, then only the modules a test mounts. Not the server's AppModule: what a
 * module does here it does without anything the server adds.
 */
export async function startHostApp(options: HostOptions): Promise<TestApp> {
  const store = testStoreConfig();
  const logDir = mkdtempSync(join(tmpdir(), 'revocation-audit-'));
  const config = testAppConfig(store, logDir, 'http://host.example.test', options.config ?? {});

  @Module({})
  class TestHostModule {}

  const root: DynamicModule = {
    module: TestHostModule,
    imports: [AppConfigModule.forRoot(config), options.store ?? StoreModule.forRoot({ connectRetries: 0 }), SessionsCoreModule, AuthModule, options.featureFlags ?? FeatureFlagModule, ...options.imports],
    providers: [{ provide: APP_FILTER, useClass: OAuthExceptionFilter }],
  };
  let app: NestFastifyApplication | undefined;
  try {
    app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { logger: false, abortOnError: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (err) {
    await app?.close().catch(() => undefined);
    store.cleanup();
    rmSync(logDir, { recursive: true, force: true });
    throw err;
  }
  const started = app;
  return {
    app: started,
    server: started.getHttpServer(),
    dataSource: started.get(DataSource),
    config,
    async close() {
      await started.close();
      store.cleanup();
      rmSync(logDir, { recursive: true, force: true });
      await storeCleanupsSettled();
    },
  };
}
