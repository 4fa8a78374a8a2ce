import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common';
import { createApp } from '../../apps/server/src/bootstrap';

export interface TestApp {
  app: NestFastifyApplication;
  /** Pass to supertest's request(). */
  server: ReturnType<NestFastifyApplication['getHttpServer']>;
  dataSource: DataSource;
  config: Partial<AppConfig>;
  close(): Promise<void>;
}

/**
 * A real store for one test file: a fresh SQLite file by default, or a fresh schema in the
 * PostgreSQL database named by TEST_DATABASE_URL. Refuses any database not named for tests.
 */
export function testStoreConfig(): Pick<AppConfig, 'databaseUrl' | 'databaseSchema'> & { cleanup(): void } {
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

export async function startTestApp(config: Partial<AppConfig> = {}): Promise<TestApp> {
  const store = testStoreConfig();
  // The runtime-api.log of a test goes to a temporary directory, never to ./logs.
  const logDir = mkdtempSync(join(tmpdir(), 'revocation-audit-'));
  const merged: Partial<AppConfig> = {
    issuer: 'http://localhost:8080', databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema,
    auditLogFile: join(logDir, 'runtime-api.log'), ...config,
  };
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
