import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Injectable, Module } from '@nestjs/common';
import request from 'supertest';
import { OAuthModule } from '@app/oauth';
import { StoreModule } from '@app/store';
import { seedClient, seedUser } from '../support/fixtures';
import { ensureServerBuilt, ROOT } from '../support/built-server';
import { startHostApp } from '../support/host-app';
import { storeCleanupsSettled, TestApp, testStoreConfig } from '../support/test-app';

const RP = { client_id: 'rp', client_secret: 'rp-secret-77aa', grant_types: ['client_credentials', 'password', 'refresh_token'] };

// The server's own configuration names a store nobody listens on: a host that started and
// answered can only have used the store its StoreModule options name.
const UNREACHABLE = { store: { databaseUrl: 'postgres://nobody@127.0.0.1:1/unused', databaseSchema: undefined } };

describe('StoreModule.forRoot in a host: its own store, migrations on or off', () => {
  const store = testStoreConfig();
  const options = { databaseUrl: store.databaseUrl, schema: store.databaseSchema };
  let refreshToken: string;
  afterAll(async () => {
    store.cleanup();
    await storeCleanupsSettled();
  });

  it('opens and migrates the store the options name, whatever the server\'s configuration says', async () => {
    const t = await startHostApp({ config: UNREACHABLE, store: StoreModule.forRoot(options), imports: [OAuthModule.forRoot()] });
    try {
      await seedClient(t, RP);
      await seedUser(t, 'ada', 'ada-password');
      const res = await request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form')
        .send({ grant_type: 'password', username: 'ada', password: 'ada-password', scope: 'openid' }).expect(200);
      refreshToken = res.body.refresh_token;
      expect(refreshToken).toEqual(expect.any(String));
    } finally {
      await t.close();
    }
  });

  it('with migrationsRun false, starts on that store as migrated, and finds what the first host wrote', async () => {
    const t = await startHostApp({ config: UNREACHABLE, store: StoreModule.forRoot({ ...options, migrationsRun: false }), imports: [OAuthModule.forRoot()] });
    try {
      const res = await request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form')
        .send({ grant_type: 'refresh_token', refresh_token: refreshToken }).expect(200);
      expect(res.body.refresh_token).not.toBe(refreshToken);
    } finally {
      await t.close();
    }
  });

  it('with migrationsRun false on a store never migrated, refuses to start: the tables are missing', async () => {
    const fresh = testStoreConfig();
    try {
      await expect(startHostApp({ config: UNREACHABLE, store: StoreModule.forRoot({ databaseUrl: fresh.databaseUrl, schema: fresh.databaseSchema, migrationsRun: false }), imports: [] }))
        .rejects.toThrow(/no such table|does not exist/);
    } finally {
      fresh.cleanup();
    }
  });

  it('tries a store that drops its connections once more per connectRetries, then refuses to start', async () => {
    // A loopback "database" that hangs up on every connection, counting them.
    let connections = 0;
    const dropper = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const { port } = dropper.address() as { port: number };
    try {
      for (const connectRetries of [0, 1]) {
        connections = 0;
        await expect(startHostApp({ store: StoreModule.forRoot({ databaseUrl: `postgres://nobody@127.0.0.1:${port}/unused`, connectRetries }), imports: [] })).rejects.toThrow(/Connection terminated/);
        expect(connections).toBe(connectRetries + 1);
      }
    } finally {
      await new Promise((resolve) => dropper.close(resolve));
    }
  });

  it('leaves a process that opened the store and went idle free to exit, without closing it (a CLI command, a host that failed to start)', async () => {
    ensureServerBuilt();
    const fresh = testStoreConfig();
    const script = `
      const { DataSource } = require('typeorm');
      const { dataSourceOptions } = require(${JSON.stringify(join(ROOT, 'dist', 'libs', 'store', 'src', 'data-source-options.js'))});
      const ds = new DataSource({ ...dataSourceOptions(process.env.STORE_URL), entities: [], migrations: [] });
      ds.initialize().then(() => ds.query('SELECT 1')).then(() => process.stdout.write('QUERIED'));`;
    try {
      const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, STORE_URL: fresh.databaseUrl }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      // The pool closes idle connections after 30 s: well before that, or the idle pool holds the process.
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => { child.kill(); resolve(null); }, 10_000);
        child.on('exit', (c) => { clearTimeout(timer); resolve(c); });
      });
      expect({ out, code }).toEqual({ out: 'QUERIED', code: 0 });
    } finally {
      fresh.cleanup();
    }
  });

  it('refuses a URL that names no store it knows, a schema that is not an identifier, and a retry count that is not a whole number from 0 to 100', async () => {
    for (const bad of [{ databaseUrl: 'mysql://db/x' }, { schema: 'Tenant-A' }, { connectRetries: -1 }, { connectRetries: 1.5 }, { connectRetries: 101 }]) {
      await expect(startHostApp({ store: StoreModule.forRoot(bad), imports: [] })).rejects.toThrow(/StoreModule: (databaseUrl|schema|connectRetries) must be/);
    }
  });
});

@Injectable()
class HostSettings {
  constructor(readonly databaseUrl: string, readonly schema: string | undefined) {}
}

describe('StoreModule.forRootAsync: the store from the host\'s own provider', () => {
  const store = testStoreConfig();
  let t: TestApp;

  @Module({ providers: [{ provide: HostSettings, useValue: new HostSettings(store.databaseUrl, store.databaseSchema) }], exports: [HostSettings] })
  class HostSettingsModule {}

  beforeAll(async () => {
    t = await startHostApp({
      config: UNREACHABLE,
      store: StoreModule.forRootAsync({ imports: [HostSettingsModule], inject: [HostSettings], useFactory: (s: HostSettings) => ({ databaseUrl: s.databaseUrl, schema: s.schema }) }),
      imports: [OAuthModule.forRoot()],
    });
  });
  afterAll(async () => {
    await t?.close();
    store.cleanup();
    await storeCleanupsSettled();
  });

  it('serves requests from the factory\'s store', async () => {
    await seedClient(t, RP);
    const res = await request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form').send({ grant_type: 'client_credentials' }).expect(200);
    expect(res.body.token_type).toBe('Bearer');
  });
});
