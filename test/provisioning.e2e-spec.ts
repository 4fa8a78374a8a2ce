import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleLogger } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { verifySecret } from '@app/auth';
import { FIRST_ADMIN_HINT, ProvisioningError, ProvisioningService } from '@app/admin';
import { ClientRepository, FeatureFlagRepository, UserRepository } from '@app/store';
import { createApp } from '../apps/server/src/bootstrap';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

/** The exact shape issue 2 promises. */
const EXAMPLE = {
  clients: [{
    client_id: 'rp1', client_secret: 'rp1-secret', token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['password', 'refresh_token', 'client_credentials'], scopes: ['openid', 'profile'],
    session_revocation_api: false, session_management_api: false, redirect_uris: [], backchannel_logout_uri: null,
  }],
  users: [{ uid: 'breakfast', password: 'a-password', attributes: { mail: 'breakfast@example.com' } }],
  feature_flags: { GLOBAL_TOKEN_REVOCATION: true },
};

const TABLES = ['client', 'app_user', 'user_attribute', 'feature_flag'];

async function rowCounts(ds: DataSource): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = Number((await ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  return out;
}

/** Every row of every table, as text: where a leaked secret would show. */
async function everything(ds: DataSource): Promise<string> {
  const parts: string[] = [];
  for (const meta of ds.entityMetadatas) parts.push(JSON.stringify(await ds.query(`SELECT * FROM ${meta.tableName}`)));
  return parts.join('\n');
}

describe('Provisioning (import)', () => {
  let t: TestApp;
  let provisioning: ProvisioningService;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp();
    provisioning = t.app.get(ProvisioningService);
    dir = mkdtempSync(join(tmpdir(), 'import-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports the documented shape: hashed secret and password, user found by uid and by mail, flag set', async () => {
    const summary = await provisioning.importDocument(structuredClone(EXAMPLE));
    expect(summary).toEqual({
      clients: { created: 1, updated: 0, unchanged: 0 }, users: { created: 1, updated: 0, unchanged: 0 }, feature_flags: 1,
    });

    const client = await t.app.get(ClientRepository).findById('rp1');
    expect(client).toMatchObject({
      tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['password', 'refresh_token', 'client_credentials'], scopes: ['openid', 'profile'],
      sessionRevocationApi: false, sessionManagementApi: false, redirectUris: [], backchannelLogoutUri: null,
    });
    expect(client!.secretHash).toMatch(/^scrypt\$/);
    expect(await verifySecret('rp1-secret', client!.secretHash)).toBe(true);
    expect(await verifySecret('rp1-secret!', client!.secretHash)).toBe(false);

    const users = t.app.get(UserRepository);
    const [byUid] = await users.findByAttribute('uid', 'breakfast');
    const [byMail] = await users.findByAttribute('mail', 'breakfast@example.com');
    expect(byUid.id).toBe(byMail.id);
    expect(byUid.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await users.attributesOf(byUid.id)).toEqual({ uid: 'breakfast', mail: 'breakfast@example.com' });
    expect(await verifySecret('a-password', byUid.passwordHash)).toBe(true);

    expect(await t.app.get(FeatureFlagRepository).find('GLOBAL_TOKEN_REVOCATION')).toMatchObject({ enabled: true });

    const all = await everything(t.dataSource);
    expect(all).not.toContain('rp1-secret');
    expect(all).not.toContain('a-password');
  });

  it('lets the imported client and user get tokens', async () => {
    const res = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form')
      .send({ grant_type: 'password', username: 'breakfast', password: 'a-password', scope: 'openid' });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toEqual(expect.any(String));
  });

  it('is idempotent: a second import changes nothing, not even the hashes', async () => {
    const clientBefore = await t.app.get(ClientRepository).findById('rp1');
    const [userBefore] = await t.app.get(UserRepository).findByAttribute('uid', 'breakfast');
    const counts = await rowCounts(t.dataSource);

    const summary = await provisioning.importDocument(structuredClone(EXAMPLE));
    expect(summary).toEqual({
      clients: { created: 0, updated: 0, unchanged: 1 }, users: { created: 0, updated: 0, unchanged: 1 }, feature_flags: 1,
    });
    expect(await rowCounts(t.dataSource)).toEqual(counts);
    expect(await t.app.get(ClientRepository).findById('rp1')).toEqual(clientBefore);
    const [userAfter] = await t.app.get(UserRepository).findByAttribute('uid', 'breakfast');
    expect(userAfter).toEqual(userBefore);
  });

  it('updates in place: new secret, new settings, new attribute, same subject id', async () => {
    const [before] = await t.app.get(UserRepository).findByAttribute('uid', 'breakfast');
    const doc = structuredClone(EXAMPLE) as typeof EXAMPLE & { clients: Record<string, unknown>[] };
    doc.clients[0].client_secret = 'rp1-new-secret';
    doc.clients[0].scopes = ['openid', 'profile', 'email'];
    doc.users[0].attributes = { mail: 'breakfast@example.org', phone_number: '+1 555 0100' } as never;
    doc.feature_flags.GLOBAL_TOKEN_REVOCATION = false;
    const summary = await provisioning.importDocument(doc);
    expect(summary.clients).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(summary.users).toEqual({ created: 0, updated: 1, unchanged: 0 });

    const client = await t.app.get(ClientRepository).findById('rp1');
    expect(client!.scopes).toEqual(['openid', 'profile', 'email']);
    expect(await verifySecret('rp1-new-secret', client!.secretHash)).toBe(true);
    expect(await verifySecret('rp1-secret', client!.secretHash)).toBe(false);
    const [after] = await t.app.get(UserRepository).findByAttribute('uid', 'breakfast');
    expect(after.id).toBe(before.id);
    expect(await t.app.get(UserRepository).attributesOf(after.id)).toEqual({ uid: 'breakfast', mail: 'breakfast@example.org', phone_number: '+1 555 0100' });
    expect(await t.app.get(FeatureFlagRepository).find('GLOBAL_TOKEN_REVOCATION')).toMatchObject({ enabled: false });
    await provisioning.importDocument(structuredClone(EXAMPLE));
  });

  it('matches users by an explicit sub, and keeps it stable', async () => {
    const doc = { users: [{ uid: 'lunch', sub: 'lunch-0001', attributes: { mail: 'lunch@example.com' } }] };
    expect((await provisioning.importDocument(doc)).users).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const renamed = { users: [{ uid: 'lunch2', sub: 'lunch-0001' }] };
    expect((await provisioning.importDocument(renamed)).users).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const users = t.app.get(UserRepository);
    expect((await users.findByAttribute('uid', 'lunch2')).map((u) => u.id)).toEqual(['lunch-0001']);
    expect(await users.findByAttribute('uid', 'lunch')).toEqual([]);
    expect((await users.findById('lunch-0001'))!.passwordHash).toBeNull();
  });

  it('refuses a bad document with every problem named by its path, and writes nothing', async () => {
    const counts = await rowCounts(t.dataSource);
    const bad = {
      clients: [
        { client_id: 'fine', client_secret: 'fine-secret' },
        { client_id: 'rp9', client_secret: 'rp9-secret', grant_types: ['client_credentials', 'implicit'] },
      ],
      users: [{ uid: 'dinner', attributes: { 'bad name': 'x' } }],
      colour: 'blue',
    };
    const err = await provisioning.importDocument(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisioningError);
    expect((err as ProvisioningError).problems.sort()).toEqual([
      'clients[1].grant_types[1]: must be one of client_credentials, password, refresh_token, authorization_code',
      'colour: unknown member',
      'users[0].attributes["bad name"]: is not a valid attribute name (^[A-Za-z][A-Za-z0-9_.:-]{0,127}$)',
    ]);
    expect((err as Error).message).toContain('clients[1].grant_types[1]');
    expect(await rowCounts(t.dataSource)).toEqual(counts);
    expect(await t.app.get(ClientRepository).findById('fine')).toBeNull();
  });

  it('refuses a client_name with bidirectional or other control characters, from a file, and writes nothing', async () => {
    const counts = await rowCounts(t.dataSource);
    const file = join(dir, 'bidi.json');
    writeFileSync(file, JSON.stringify({
      clients: [
        { client_id: 'bidi-1', client_secret: 'bidi-1-secret', client_name: 'Pay\u202Eldnuf' },
        { client_id: 'bidi-2', client_secret: 'bidi-2-secret', client_name: 'Isolated \u2067admin\u2069' },
        { client_id: 'bidi-3', client_secret: 'bidi-3-secret', client_name: 'Next line\u0085' },
      ],
    }));
    const err = await provisioning.importFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisioningError);
    expect((err as ProvisioningError).problems).toEqual([
      'clients[0].client_name: must not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)',
      'clients[1].client_name: must not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)',
      'clients[2].client_name: must not contain control characters',
    ]);
    expect(await rowCounts(t.dataSource)).toEqual(counts);
  });

  it('refuses a document that conflicts with the store, and writes nothing', async () => {
    const counts = await rowCounts(t.dataSource);
    const doc = {
      clients: [{ client_id: 'fine', client_secret: 'fine-secret' }],
      users: [{ uid: 'breakfast', sub: 'someone-else' }, { uid: 'lunch2' }, { uid: 'other', sub: 'lunch-0001' }],
    };
    const err = (await provisioning.importDocument(doc).catch((e: unknown) => e)) as ProvisioningError;
    expect(err).toBeInstanceOf(ProvisioningError);
    expect(err.problems).toEqual([
      expect.stringMatching(/^users\[0\]\.uid: "breakfast" already belongs to another user \(sub [0-9a-f-]{36}\)$/),
      'users[2]: is the same user as users[1] (sub lunch-0001)',
    ]);
    expect(await rowCounts(t.dataSource)).toEqual(counts);
  });

  it('reads files, with a clear error for a missing file or bad JSON', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(EXAMPLE));
    expect((await provisioning.importFile(good)).clients.unchanged).toBe(1);

    const missing = join(dir, 'missing.json');
    await expect(provisioning.importFile(missing)).rejects.toThrow(`Import file ${missing}: cannot be read (no such file)`);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"clients": [');
    await expect(provisioning.importFile(broken)).rejects.toThrow(new RegExp(`^Import file ${broken}: is not valid JSON \\(`));
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ users: [{ uid: 'x', password: 7 }] }));
    await expect(provisioning.importFile(invalid)).rejects.toThrow(`Import file ${invalid}: users[0].password: must be a string`);
  });
});

describe('Provisioning at start', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'import-start-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Boots the server with a logger that keeps what it is told; the caller closes the app. */
  async function boot(importFile?: string) {
    const store = testStoreConfig();
    const logger = new CapturingLogger();
    const app = await createApp({ config: { http: { issuer: 'http://localhost:8080' }, store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema, importFile } }, logger });
    const started = app.init().then(() => undefined, (e: unknown) => e);
    return { app, logger, error: await started, close: async () => { await app.close(); store.cleanup(); } };
  }

  it('imports IMPORT_FILE before serving', async () => {
    const file = join(dir, 'start.json');
    writeFileSync(file, JSON.stringify(EXAMPLE));
    const s = await boot(file);
    try {
      expect(s.error).toBeUndefined();
      expect(await s.app.get(ClientRepository).findById('rp1')).not.toBeNull();
      expect(s.logger.lines.some((l) => l.startsWith(`log Imported ${file}: clients 1 created`))).toBe(true);
      // No client has the admin scope yet: the start explains how to create one, once.
      expect(s.logger.lines.filter((l) => l === `warn ${FIRST_ADMIN_HINT}`)).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('does not print the first-admin hint once an admin client exists', async () => {
    const file = join(dir, 'admin.json');
    writeFileSync(file, JSON.stringify({ clients: [{ client_id: 'admin', client_secret: 'admin-secret', scopes: ['admin'], grant_types: ['client_credentials'] }] }));
    const s = await boot(file);
    try {
      expect(s.error).toBeUndefined();
      expect(s.logger.lines.some((l) => l.includes('No client has the scope'))).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('stops the start on a bad file, naming the problem', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ clients: [{ client_id: 'rp1', client_secret: 'rp1-secret', grant_types: ['implicit'] }] }));
    const s = await boot(file);
    try {
      expect(s.error).toBeInstanceOf(ProvisioningError);
      expect((s.error as Error).message).toBe(`Import file ${file}: clients[0].grant_types[0]: must be one of client_credentials, password, refresh_token, authorization_code`);
    } finally {
      await s.close();
    }
  });
});

class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  override log(message: unknown): void { this.lines.push(`log ${String(message)}`); }
  override warn(message: unknown): void { this.lines.push(`warn ${String(message)}`); }
  override error(message: unknown): void { this.lines.push(`error ${String(message)}`); }
  override debug(): void {}
  override verbose(): void {}
}
