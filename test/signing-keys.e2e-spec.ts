import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createLocalJWKSet, decodeProtectedHeader, JSONWebKeySet, JWK, jwtVerify } from 'jose';
import { ProvisioningService } from '@app/admin';
import { ExportService } from '@app/admin/core';
import { rsaModulusBits } from '@app/auth';
import { ConfigOverrides } from '@app/common';
import { SigningKeyEntity } from '@app/store';
import { runCliCaptured } from './support/cli';
import { eventually } from './support/eventually';
import { introspect } from './support/fixtures';
import { startTestApp, startupError, testStoreConfig, TestApp } from './support/test-app';

// Several tests start apps of their own (each store generates an RSA key): more than the default on a busy machine.
jest.setTimeout(120_000);

const ISSUER = 'http://localhost:8080';
const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };
/** Registers no ID token algorithm: RS256, OpenID Connect's default. */
const RP = { client_id: 'rp', client_secret: 'rp-secret' };
/** Registers ES256 through the import file. */
const RP_ES = { client_id: 'rp-es', client_secret: 'rp-es-secret' };
const RELOAD_INTERVAL = 1;

interface KeyView { kid: string; alg: string; state: string; created_at: string; retired_at: string | null; published_until: string | null }

/** Why an app on a fresh store does not start with `config`. */
async function startError(config: ConfigOverrides): Promise<Error> {
  const store = testStoreConfig();
  try {
    return await startupError(store, config);
  } finally {
    store.cleanup();
  }
}

/**
 * The server's signing keys: an ES256 and an RS256 key (OpenID Connect Core §3.1.3.7 and §15.1,
 * the Shared Signals interoperability profile), ID tokens signed with the client's registered
 * algorithm, and rotation from the admin API and the CLI with the old keys published until the
 * tokens they signed have expired. Every token is verified as a relying party would: with /jwks.
 */
describe('Signing keys', () => {
  let store: ReturnType<typeof testStoreConfig>;
  let shared: ConfigOverrides;
  let t: TestApp;
  let adminToken: string;

  const jwksOf = async (app: TestApp) => (await request(app.server).get('/jwks').expect(200)).body as { keys: JWK[] };
  const login = (app: TestApp, c: typeof RP) => request(app.server).post('/token').auth(c.client_id, c.client_secret).type('form')
    .send({ grant_type: 'password', username: 'alice', password: 'alice-password', scope: 'openid' });
  const admin = (method: 'get' | 'post' | 'put', path: string, app = t) => request(app.server)[method](path).set('Authorization', `Bearer ${adminToken}`);
  /** Verifies a token as a relying party does: with the keys /jwks publishes now. */
  const verifyWithJwks = async (app: TestApp, token: string, audience: string, alg: string, typ?: string) =>
    jwtVerify(token, createLocalJWKSet(await jwksOf(app) as JSONWebKeySet), { issuer: ISSUER, audience, algorithms: [alg], ...(typ ? { typ } : {}) });
  const cli = (...argv: string[]) => runCliCaptured(argv, { config: shared });

  beforeAll(async () => {
    store = testStoreConfig();
    shared = { store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema }, tokens: { signingKeyReloadInterval: RELOAD_INTERVAL } };
    t = await startTestApp(shared);
    await t.app.get(ProvisioningService).importDocument({
      clients: [
        { ...ADMIN, grant_types: ['client_credentials'], scopes: ['admin'] },
        { ...RP, grant_types: ['password'], scopes: ['openid'] },
        { ...RP_ES, grant_types: ['password'], scopes: ['openid'], id_token_signed_response_alg: 'ES256' },
      ],
      users: [{ uid: 'alice', password: 'alice-password' }],
    });
    adminToken = (await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
  });
  afterAll(async () => {
    await t.close();
    store.cleanup();
  });

  it('publishes an active ES256 key and an RS256 key of at least 2048 bits, each with kid, alg and use', async () => {
    const { keys } = await jwksOf(t);
    expect(keys.map((k) => [k.alg, k.kty, k.use])).toEqual([['ES256', 'EC', 'sig'], ['RS256', 'RSA', 'sig']]);
    for (const k of keys) {
      expect(k.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(k).not.toHaveProperty('d');
    }
    expect(rsaModulusBits(keys[1])).toBeGreaterThanOrEqual(2048);
    const discovery = await request(t.server).get('/.well-known/openid-configuration').expect(200);
    expect(discovery.body.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
  });

  it('signs ID tokens with RS256 unless the client registered ES256; access tokens stay ES256', async () => {
    const rs = await login(t, RP).expect(200);
    const { protectedHeader } = await verifyWithJwks(t, rs.body.id_token, RP.client_id, 'RS256');
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'JWT' });
    expect(decodeProtectedHeader(rs.body.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    await verifyWithJwks(t, rs.body.access_token, ISSUER, 'ES256', 'at+jwt');

    const es = await login(t, RP_ES).expect(200);
    expect((await verifyWithJwks(t, es.body.id_token, RP_ES.client_id, 'ES256')).protectedHeader.alg).toBe('ES256');
    // An ID token names the key it was signed with: the RS256 one cannot verify an ES256 token, nor the reverse.
    await expect(verifyWithJwks(t, es.body.id_token, RP_ES.client_id, 'RS256')).rejects.toThrow();
  });

  it('takes id_token_signed_response_alg from the admin API, the import file and the CLI, exports it, and refuses other algorithms', async () => {
    const created = await admin('post', '/admin/clients').send({ client_id: 'rp-api', grant_types: ['password'], scopes: ['openid'], id_token_signed_response_alg: 'ES256' });
    expect(created.status).toBe(201);
    expect(created.body.id_token_signed_response_alg).toBe('ES256');
    // Replaced as a whole: left out, the default.
    expect((await admin('put', '/admin/clients/rp-api').send({ grant_types: ['password'], scopes: ['openid'] })).body.id_token_signed_response_alg).toBe('RS256');
    const refused = await admin('post', '/admin/clients').send({ client_id: 'rp-hs', id_token_signed_response_alg: 'HS256' });
    expect(refused.status).toBe(400);
    expect(refused.body.error_description).toContain('id_token_signed_response_alg: must be one of ES256, RS256');
    expect((await admin('get', '/admin/clients/rp-es')).body.id_token_signed_response_alg).toBe('ES256');

    const run = await cli('clients', 'create', 'rp-cli', '--secret', 'rp-cli-secret', '--grant-type', 'password', '--scope', 'openid', '--id-token-signed-response-alg', 'ES256', '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout).client.id_token_signed_response_alg).toBe('ES256');
    const viaCli = await login(t, { client_id: 'rp-cli', client_secret: 'rp-cli-secret' }).expect(200);
    expect(decodeProtectedHeader(viaCli.body.id_token).alg).toBe('ES256');
    expect((await cli('clients', 'create', 'rp-bad', '--id-token-signed-response-alg', 'PS256')).code).toBe(2);

    const exported = (await t.app.get(ExportService).export()).document.clients;
    expect(exported.find((c) => c.client_id === 'rp-es')).toMatchObject({ id_token_signed_response_alg: 'ES256' });
    expect(exported.find((c) => c.client_id === 'rp')).not.toHaveProperty('id_token_signed_response_alg');
  });

  it('rotates from the admin API: new tokens carry the new kids, old ones still verify with /jwks until the old keys are dropped', async () => {
    const before = await login(t, RP).expect(200);
    // The admin scope only.
    for (const [method, path] of [['get', '/admin/keys'], ['post', '/admin/keys/rotate']] as const) {
      expect((await request(t.server)[method](path)).status).toBe(401);
      expect((await request(t.server)[method](path).set('Authorization', `Bearer ${before.body.access_token}`)).status).toBe(403);
    }
    const listed = (await admin('get', '/admin/keys').expect(200)).body as KeyView[];
    expect(listed.map((k) => [k.alg, k.state, k.retired_at, k.published_until])).toEqual([['ES256', 'active', null, null], ['RS256', 'active', null, null]]);
    const oldKids = listed.map((k) => k.kid);

    const rotated = await admin('post', '/admin/keys/rotate');
    expect(rotated.status).toBe(200);
    const keys = rotated.body as KeyView[];
    expect(keys.map((k) => [k.alg, k.state])).toEqual([['ES256', 'active'], ['RS256', 'active'], ['ES256', 'retired'], ['RS256', 'retired']]);
    expect(keys.slice(2).map((k) => k.kid).sort()).toEqual([...oldKids].sort());
    // Published until the longest token lifetime (an hour here) and one reload interval after the retirement.
    for (const k of keys.slice(2)) expect(Date.parse(k.published_until!) - Date.parse(k.retired_at!)).toBe((3600 + RELOAD_INTERVAL) * 1000);
    const newKids = keys.slice(0, 2).map((k) => k.kid);
    expect((await jwksOf(t)).keys.map((k) => k.kid)).toEqual([...newKids, ...keys.slice(2).map((k) => k.kid)]);

    // This instance signs with the new keys at once.
    const after = await login(t, RP).expect(200);
    expect(newKids).toContain(decodeProtectedHeader(after.body.id_token).kid);
    expect(newKids).toContain(decodeProtectedHeader(after.body.access_token).kid);
    await verifyWithJwks(t, after.body.id_token, RP.client_id, 'RS256');
    // The tokens signed before still verify, for relying parties and for this server.
    expect(oldKids).toContain(decodeProtectedHeader(before.body.id_token).kid);
    await verifyWithJwks(t, before.body.id_token, RP.client_id, 'RS256');
    await verifyWithJwks(t, before.body.access_token, ISSUER, 'ES256', 'at+jwt');
    expect((await introspect(t, RP, before.body.access_token)).active).toBe(true);

    // Once the retention has passed (moved back here rather than waited for), the next reload drops the old keys: from /jwks and from the store.
    const repo = t.dataSource.getRepository(SigningKeyEntity);
    for (const kid of oldKids) await repo.update({ kid }, { retiredAt: Date.now() - (3600 + RELOAD_INTERVAL) * 1000 - 1 });
    await eventually(async () => (await jwksOf(t)).keys.length, (n) => n === 2, 5000);
    expect((await jwksOf(t)).keys.map((k) => k.kid)).toEqual(newKids);
    expect((await repo.find()).map((k) => k.kid).sort()).toEqual([...newKids].sort());
    await expect(verifyWithJwks(t, before.body.id_token, RP.client_id, 'RS256')).rejects.toThrow();
    expect((await admin('get', '/admin/keys').expect(200)).body.map((k: KeyView) => k.kid)).toEqual(newKids);
  });

  it('rotates from the CLI: the running server signs with the new keys within the reload interval and keeps the old ones in /jwks', async () => {
    const before = await login(t, RP).expect(200);
    const listedRun = await cli('keys', 'list');
    expect(listedRun).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = listedRun.stdout.trimEnd().split('\n');
    expect(header.split(/\s+/)).toEqual(['KID', 'ALG', 'STATE', 'CREATED', 'RETIRED', 'PUBLISHED_UNTIL']);
    expect(rows.map((r) => r.split(/\s+/).slice(1, 3))).toEqual([['ES256', 'active'], ['RS256', 'active']]);
    const oldKids = rows.map((r) => r.split(/\s+/)[0]);

    const run = await cli('keys', 'rotate', '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const keys = JSON.parse(run.stdout) as KeyView[];
    const newKids = keys.filter((k) => k.state === 'active').map((k) => k.kid);
    expect(keys.filter((k) => k.state === 'retired').map((k) => k.kid).sort()).toEqual([...oldKids].sort());

    await eventually(async () => decodeProtectedHeader((await login(t, RP).expect(200)).body.id_token).kid, (kid) => newKids.includes(kid!), (RELOAD_INTERVAL + 3) * 1000);
    expect((await jwksOf(t)).keys.map((k) => k.kid).sort()).toEqual([...newKids, ...oldKids].sort());
    await verifyWithJwks(t, before.body.id_token, RP.client_id, 'RS256');
    expect((await introspect(t, RP, before.body.access_token)).active).toBe(true);
    expect((await cli('keys', 'list', '--json')).stdout).toContain('"state": "retired"');
  });

  it('another instance on the store verifies the new keys\' tokens at once and signs with them, without waiting for its reload', async () => {
    const b = await startTestApp({ ...shared, tokens: { signingKeyReloadInterval: 3600 } });
    try {
      // An unknown kid makes an instance read the keys again, at most once a second.
      await new Promise((r) => setTimeout(r, 1100));
      const keys = (await admin('post', '/admin/keys/rotate').expect(200)).body as KeyView[];
      const newKids = keys.filter((k) => k.state === 'active').map((k) => k.kid);
      const fresh = await login(t, RP).expect(200);
      expect(newKids).toContain(decodeProtectedHeader(fresh.body.access_token).kid);
      expect((await introspect(b, RP, fresh.body.access_token)).active).toBe(true);
      expect(newKids).toContain(decodeProtectedHeader((await login(b, RP).expect(200)).body.id_token).kid);
      expect((await jwksOf(b)).keys.map((k) => k.kid).slice(0, 2)).toEqual(newKids);
    } finally {
      await b.close();
    }
  });

  it('refuses a rotation when the keys come from SIGNING_KEY_FILE, whose RSA keys must have 2048 bits or more', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signing-file-'));
    const file = join(dir, 'keys.json');
    const rsa = (bits: number) => ({ ...generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ format: 'jwk' }), kid: `rsa-${bits}`, alg: 'RS256' });
    const ec = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256' };
    try {
      writeFileSync(file, JSON.stringify({ keys: [ec, rsa(1024)] }));
      expect((await startError({ tokens: { signingKeyFile: file } })).message).toMatch(/RSA key rsa-1024 has 1024 bits; at least 2048/);
      writeFileSync(file, JSON.stringify({ keys: [ec, rsa(2048)] }));
      const f = await startTestApp({ tokens: { signingKeyFile: file } });
      try {
        expect((await jwksOf(f)).keys.map((k) => [k.kid, k.alg])).toEqual([['ec-1', 'ES256'], ['rsa-2048', 'RS256']]);
        await f.app.get(ProvisioningService).importDocument({ clients: [{ ...ADMIN, grant_types: ['client_credentials'], scopes: ['admin'] }] });
        const token = (await request(f.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
        const refused = await request(f.server).post('/admin/keys/rotate').set('Authorization', `Bearer ${token}`);
        expect(refused.status).toBe(409);
        expect(refused.body.error_description).toMatch(/SIGNING_KEY_FILE/);
      } finally {
        await f.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
