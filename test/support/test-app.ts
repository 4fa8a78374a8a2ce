import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ConfigOverrides, StoreConfig } from '@app/common';
import { createApp } from '../../apps/server/src/bootstrap';

export interface TestApp {
  app: NestFastifyApplication;
  /** Pass to supertest's request(). */
  server: ReturnType<NestFastifyApplication['getHttpServer']>;
  dataSource: DataSource;
  /** The overrides the app was started with (the test store, the audit file, the test's own). */
  config: ConfigOverrides;
  close(): Promise<void>;
}

/**
 * A real store for one test file: a fresh SQLite file by default, or a fresh schema in the
 * PostgreSQL database named by TEST_DATABASE_URL. Refuses any database not named for tests.
 */
export function testStoreConfig(): Pick<StoreConfig, 'databaseUrl' | 'databaseSchema'> & { cleanup(): void } {
  const pg = process.env.TEST_DATABASE_URL;
  if (pg) {
    if (!/\/test(\?|$)/.test(pg)) throw new Error(`TEST_DATABASE_URL must point at a database named "test", got ${pg}`);
    const schema = `t_${randomBytes(6).toString('hex')}`;
    return { databaseUrl: pg, databaseSchema: schema, cleanup: () => dropSchemaLater(pg, schema) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'revocation-test-'));
  return { databaseUrl: `sqlite:${join(dir, 'store.sqlite')}`, databaseSchema: undefined, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const pendingDrops: Promise<void>[] = [];

/** Resolves once every PostgreSQL schema dropped so far is gone. */
export async function storeCleanupsSettled(): Promise<void> {
  await Promise.all(pendingDrops);
}
function dropSchemaLater(url: string, schema: string): void {
  pendingDrops.push((async () => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: url });
    await c.connect();
    try { await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); } finally { await c.end(); }
  })().catch(() => undefined));
}

/** Loopback over http: where test/support/receiver.ts and the tests' JWKS servers listen. */
export const TEST_OUTBOUND = { allowHttp: true, allowedHosts: ['127.0.0.1', '::1', 'localhost'] };

/**
 * The overrides every test app starts from: a fresh store, an audit file of its own, and an
 * outbound URL policy that lets the server call the tests' receivers and key servers on loopback
 * over http; a test's own come over them, slice by slice.
 */
export function testAppConfig(store: Pick<StoreConfig, 'databaseUrl' | 'databaseSchema'>, logDir: string, issuer: string, config: ConfigOverrides): ConfigOverrides {
  const base: ConfigOverrides = {
    http: { issuer }, store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema }, audit: { file: join(logDir, 'runtime-api.log') },
    outbound: TEST_OUTBOUND,
  };
  const merged: ConfigOverrides = { ...base };
  for (const [slice, values] of Object.entries(config) as [keyof ConfigOverrides, object][]) merged[slice] = { ...base[slice], ...values } as never;
  return merged;
}

export async function startTestApp(config: ConfigOverrides = {}): Promise<TestApp> {
  const store = testStoreConfig();
  // The runtime-api.log of a test goes to a temporary directory, never to ./logs.
  const logDir = mkdtempSync(join(tmpdir(), 'revocation-audit-'));
  const merged = testAppConfig(store, logDir, 'http://localhost:8080', config);
  const app = await createApp({ config: merged, logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    server: app.getHttpServer(),
    dataSource: app.get(DataSource),
    config: merged,
    async close() {
      await app.close();
      store.cleanup();
      rmSync(logDir, { recursive: true, force: true });
      await Promise.all(pendingDrops);
    },
  };
}

/** Why an app does not start on `store` with `config` (closed either way); throws if it starts. */
export async function startupError(store: Pick<StoreConfig, 'databaseUrl' | 'databaseSchema'>, config: ConfigOverrides): Promise<Error> {
  const logDir = mkdtempSync(join(tmpdir(), 'revocation-audit-'));
  const app = await createApp({ config: testAppConfig(store, logDir, 'http://localhost:8080', config), logger: false });
  try {
    await app.init();
  } catch (err) {
    return err as Error;
  } finally {
    await app.close();
    rmSync(logDir, { recursive: true, force: true });
  }
  throw new Error('the app started');
}
