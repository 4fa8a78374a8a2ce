import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import request, { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { RevocationFeedFollower, tokenDigest } from '@app/auth';
import { ClientEntity, ClientRepository, dataSourceOptions, ensurePostgresSchema, MIGRATIONS, TokenRepository } from '@app/store';
import { runCli } from '../apps/cli/src/cli';
import { createTokenVerifier, ResourceServerError } from '../libs/resource-server/src';
import { Browser, pkce, redirectParams } from './support/browser';
import { introspect, seedClient, seedUser } from './support/fixtures';
import { freePort } from './support/built-server';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

const API_A = 'https://api-a.example.com';
const API_B = 'https://api-b.example.com/v1?tenant=blue';
const RP_CB = 'https://rp.example/cb';

/** A form body in which `resource` may repeat (supertest's object form would send it once). */
function form(params: Record<string, string | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const value of v === undefined ? [] : Array.isArray(v) ? v : [v]) q.append(k, value);
  return q.toString();
}

describe('RFC 8707 resource indicators', () => {
  let t: TestApp;
  let issuer: string;
  const RP = { client_id: 'rp', client_secret: 'rp-secret-1' };

  const tokenAs = (c: { client_id: string; client_secret: string }, params: Record<string, string | string[] | undefined>) =>
    request(t.server).post('/token').auth(c.client_id, c.client_secret).type('form').send(form(params));
  const audOf = (res: Response) => decodeJwt(res.body.access_token as string).aud;
  const expectInvalidTarget = (res: Response) => {
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_target', error_description: expect.any(String) });
  };

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestApp({ http: { issuer } });
    await t.app.listen(port, '127.0.0.1');
    await seedClient(t, {
      ...RP, grant_types: ['client_credentials', 'password', 'refresh_token', 'authorization_code'], scopes: ['openid', 'profile', 'admin'],
      redirect_uris: [RP_CB], resources: [API_A, API_B],
    });
    await seedClient(t, { client_id: 'plain', client_secret: 'plain-secret', scopes: ['profile'] });
    await seedClient(t, { client_id: 'ref', client_secret: 'ref-secret-1', scopes: ['profile'], access_token_format: 'reference', resources: [API_A] });
    await seedUser(t, 'ada', 'ada-password', { mail: 'ada@example.com' });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('client_credentials', () => {
    it('keeps the default audience (the issuer) when no resource is asked for', async () => {
      const res = await tokenAs(RP, { grant_type: 'client_credentials', scope: 'profile' }).expect(200);
      expect(audOf(res)).toBe(issuer);
    });

    it('makes one registered resource the aud, and two an array, which introspection reports too', async () => {
      const one = await tokenAs(RP, { grant_type: 'client_credentials', scope: 'profile', resource: API_A }).expect(200);
      expect(audOf(one)).toBe(API_A);
      expect((await introspect(t, RP, one.body.access_token)).aud).toBe(API_A);
      const two = await tokenAs(RP, { grant_type: 'client_credentials', scope: 'profile', resource: [API_A, API_B] }).expect(200);
      expect(audOf(two)).toEqual([API_A, API_B]);
      expect((await introspect(t, RP, two.body.access_token)).aud).toEqual([API_A, API_B]);
    });

    it('gives a reference token the resource as aud, which introspection reports', async () => {
      const res = await tokenAs({ client_id: 'ref', client_secret: 'ref-secret-1' }, { grant_type: 'client_credentials', resource: API_A }).expect(200);
      expect(() => decodeJwt(res.body.access_token)).toThrow();
      expect(await introspect(t, { client_id: 'ref', client_secret: 'ref-secret-1' }, res.body.access_token)).toMatchObject({ active: true, aud: API_A });
    });

    it('refuses a resource not registered for the client with 400 invalid_target', async () => {
      expectInvalidTarget(await tokenAs(RP, { grant_type: 'client_credentials', resource: 'https://other.example.com' }));
      expectInvalidTarget(await tokenAs(RP, { grant_type: 'client_credentials', resource: [API_A, 'https://other.example.com'] }));
      expectInvalidTarget(await tokenAs({ client_id: 'plain', client_secret: 'plain-secret' }, { grant_type: 'client_credentials', resource: API_A }));
    });

    it('refuses a malformed resource (relative, with a fragment) with 400 invalid_target', async () => {
      const relative = await tokenAs(RP, { grant_type: 'client_credentials', resource: '/v1' });
      expectInvalidTarget(relative);
      expect(relative.body.error_description).toMatch(/absolute URI/);
      const fragment = await tokenAs(RP, { grant_type: 'client_credentials', resource: `${API_A}#part` });
      expectInvalidTarget(fragment);
      expect(fragment.body.error_description).toMatch(/fragment/);
      expectInvalidTarget(await tokenAs(RP, { grant_type: 'client_credentials', resource: `${API_A}#` }));
    });

    it('leaves this server\'s own bearer endpoints to tokens for its audience', async () => {
      const forApi = await tokenAs(RP, { grant_type: 'client_credentials', scope: 'admin', resource: API_A }).expect(200);
      const refused = await request(t.server).get('/admin/clients').set('Authorization', `Bearer ${forApi.body.access_token}`);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      const own = await tokenAs(RP, { grant_type: 'client_credentials', scope: 'admin' }).expect(200);
      await request(t.server).get('/admin/clients').set('Authorization', `Bearer ${own.body.access_token}`).expect(200);
    });
  });

  describe('the resource-server kit', () => {
    it('accepts a token minted for its audience and refuses one minted for another resource', async () => {
      const verifier = createTokenVerifier({ issuer, audience: API_A, allowedOrigins: [issuer] });
      const forA = await tokenAs(RP, { grant_type: 'client_credentials', scope: 'profile', resource: API_A }).expect(200);
      const forB = await tokenAs(RP, { grant_type: 'client_credentials', scope: 'profile', resource: API_B }).expect(200);
      expect((await verifier.verify(forA.body.access_token)).payload.aud).toBe(API_A);
      const refusal = await verifier.verify(forB.body.access_token).then(() => undefined, (err: unknown) => err);
      expect(refusal).toBeInstanceOf(ResourceServerError);
      expect((refusal as ResourceServerError).code).toBe('invalid_token');
      // A token without a resource is the issuer's: no API's either.
      const plain = await tokenAs(RP, { grant_type: 'client_credentials', scope: 'profile' }).expect(200);
      expect(((await verifier.verify(plain.body.access_token).catch((err: unknown) => err)) as ResourceServerError).code).toBe('invalid_token');
    });
  });

  describe('password and refresh_token', () => {
    const login = (resource?: string | string[]) =>
      tokenAs(RP, { grant_type: 'password', username: 'ada', password: 'ada-password', scope: 'openid profile', resource }).expect(200);

    it('puts the resources on the access token and keeps them with the refresh token; a refresh may narrow them', async () => {
      const first = await login([API_A, API_B]);
      expect(audOf(first)).toEqual([API_A, API_B]);
      expect(decodeJwt(first.body.id_token).aud).toBe(RP.client_id);
      const row = await t.app.get(TokenRepository).findById(tokenDigest(first.body.refresh_token));
      expect(row?.resources).toEqual([API_A, API_B]);

      const narrowed = await tokenAs(RP, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, resource: API_B }).expect(200);
      expect(audOf(narrowed)).toBe(API_B);
      // The new refresh token keeps the whole grant: the next refresh may ask for the other resource.
      expect((await t.app.get(TokenRepository).findById(tokenDigest(narrowed.body.refresh_token)))?.resources).toEqual([API_A, API_B]);
      const other = await tokenAs(RP, { grant_type: 'refresh_token', refresh_token: narrowed.body.refresh_token, resource: API_A }).expect(200);
      expect(audOf(other)).toBe(API_A);
      const kept = await tokenAs(RP, { grant_type: 'refresh_token', refresh_token: other.body.refresh_token }).expect(200);
      expect(audOf(kept)).toEqual([API_A, API_B]);
    });

    it('refuses a refresh that asks for a resource outside the grant, and leaves the refresh token unused', async () => {
      const first = await login(API_A);
      expect(audOf(first)).toBe(API_A);
      expectInvalidTarget(await tokenAs(RP, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, resource: API_B }));
      const again = await tokenAs(RP, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token }).expect(200);
      expect(audOf(again)).toBe(API_A);
    });

    it('keeps the default audience for a grant made without resources', async () => {
      const first = await login();
      expect(audOf(first)).toBe(issuer);
      expect((await t.app.get(TokenRepository).findById(tokenDigest(first.body.refresh_token)))?.resources).toBeNull();
      const refreshed = await tokenAs(RP, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token }).expect(200);
      expect(audOf(refreshed)).toBe(issuer);
    });

    it('checks the resource before the password', async () => {
      expectInvalidTarget(await tokenAs(RP, { grant_type: 'password', username: 'ada', password: 'wrong', resource: 'https://other.example.com' }));
    });
  });

  describe('authorization code', () => {
    /** /authorize (the sign-in form, posted back with every hidden field, repeated ones included), then the code and its verifier. */
    const authorize = async (resource: string[]): Promise<{ code: string; verifier: string }> => {
      const browser = new Browser(t);
      const { verifier, challenge } = pkce();
      const query = form({ response_type: 'code', client_id: RP.client_id, redirect_uri: RP_CB, scope: 'openid profile', state: 's1', code_challenge: challenge, code_challenge_method: 'S256', resource });
      const page = await browser.get(`/authorize?${query}`);
      expect(page.status).toBe(200);
      const fields = [...page.text.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [m[1], m[2].replace(/&amp;/g, '&')]);
      expect(fields.filter(([name]) => name === 'resource').map(([, value]) => value)).toEqual(resource);
      const body = new URLSearchParams([...fields, ['username', 'ada'], ['password', 'ada-password']] as [string, string][]).toString();
      const done = await request(t.server).post('/authorize').set('Cookie', browser.cookieHeader()).type('form').send(body).redirects(0);
      const params = redirectParams(done);
      expect(params.get('error')).toBeNull();
      return { code: params.get('code')!, verifier };
    };
    const exchange = (code: { code: string; verifier: string }, resource?: string | string[]) =>
      tokenAs(RP, { grant_type: 'authorization_code', code: code.code, redirect_uri: RP_CB, code_verifier: code.verifier, resource });

    it('remembers the resources asked for at /authorize with the code; the token is for them', async () => {
      const code = await authorize([API_A, API_B]);
      expect((await t.app.get(TokenRepository).findById(tokenDigest(code.code)))?.resources).toEqual([API_A, API_B]);
      const res = await exchange(code).expect(200);
      expect(audOf(res)).toEqual([API_A, API_B]);
      expect(decodeJwt(res.body.id_token).aud).toBe(RP.client_id);
      expect((await t.app.get(TokenRepository).findById(tokenDigest(res.body.refresh_token)))?.resources).toEqual([API_A, API_B]);
    });

    it('lets the token request narrow them to a subset', async () => {
      const res = await exchange(await authorize([API_A, API_B]), API_B).expect(200);
      expect(audOf(res)).toBe(API_B);
      // The refresh token keeps the grant's resources, not the narrowed ones.
      expect((await t.app.get(TokenRepository).findById(tokenDigest(res.body.refresh_token)))?.resources).toEqual([API_A, API_B]);
    });

    it('refuses a token request for more than was asked at /authorize', async () => {
      const code = await authorize([API_A]);
      expectInvalidTarget(await exchange(code, [API_A, API_B]));
      expectInvalidTarget(await exchange(code, API_B));
      // The refusals did not use the code up.
      expect(audOf(await exchange(code, API_A).expect(200))).toBe(API_A);
    });

    it('takes a registered resource at the token endpoint for a code asked without any', async () => {
      const res = await exchange(await authorize([]), API_A).expect(200);
      expect(audOf(res)).toBe(API_A);
    });

    it('sends invalid_target back to the client for a resource that is not registered or malformed', async () => {
      for (const resource of ['https://other.example.com', '/v1', `${API_A}#x`]) {
        const query = form({ response_type: 'code', client_id: RP.client_id, redirect_uri: RP_CB, scope: 'openid', state: 's2', code_challenge: pkce().challenge, code_challenge_method: 'S256', resource });
        const params = redirectParams(await request(t.server).get(`/authorize?${query}`).redirects(0));
        expect([resource, params.get('error'), params.get('state')]).toEqual([resource, 'invalid_target', 's2']);
      }
    });
  });

  describe('registration', () => {
    let adminToken: string;
    const cliOn = async (...argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } }, { config: { store: t.config.store } });
      // The server learns of the CLI's writes through the revocation feed.
      await t.app.get(RevocationFeedFollower).sync();
      return { code, stdout, stderr };
    };
    const stored = async (clientId: string) => (await t.app.get(ClientRepository).findById(clientId))?.resources;

    beforeAll(async () => {
      await seedClient(t, { client_id: 'admin', client_secret: 'admin-secret', grant_types: ['client_credentials'], scopes: ['admin'] });
      adminToken = (await tokenAs({ client_id: 'admin', client_secret: 'admin-secret' }, { grant_type: 'client_credentials', scope: 'admin' }).expect(200)).body.access_token;
    });

    it('sets the list through the admin API, which the store holds and /token then honours', async () => {
      const admin = (method: 'post' | 'put' | 'get', path: string) => request(t.server)[method](path).set('Authorization', `Bearer ${adminToken}`);
      const created = await admin('post', '/admin/clients').send({ client_id: 'api-rp', client_secret: 'api-rp-secret', scopes: ['profile'], resources: [API_A] }).expect(201);
      expect(created.body.resources).toEqual([API_A]);
      expect(await stored('api-rp')).toEqual([API_A]);
      expect(audOf(await tokenAs({ client_id: 'api-rp', client_secret: 'api-rp-secret' }, { grant_type: 'client_credentials', resource: API_A }).expect(200))).toBe(API_A);

      const updated = await admin('put', '/admin/clients/api-rp').send({ scopes: ['profile'], resources: [API_B] }).expect(200);
      expect(updated.body.resources).toEqual([API_B]);
      expect(await stored('api-rp')).toEqual([API_B]);
      expectInvalidTarget(await tokenAs({ client_id: 'api-rp', client_secret: 'api-rp-secret' }, { grant_type: 'client_credentials', resource: API_A }));

      const bad = await admin('post', '/admin/clients').send({ client_id: 'bad-rp', resources: ['/relative', `${API_A}#frag`, API_A, API_A] });
      expect(bad.status).toBe(400);
      expect(bad.body.error_description).toMatch(/resources\[0\]: must be an absolute URI/);
      expect(bad.body.error_description).toMatch(/resources\[1\]: must not contain a fragment/);
      expect(bad.body.error_description).toMatch(/resources\[3\]: duplicates item \[2\]/);
      expect(await t.app.get(ClientRepository).findById('bad-rp')).toBeNull();
      // A client registered without resources has an empty list.
      expect((await admin('post', '/admin/clients').send({ client_id: 'no-res' }).expect(201)).body.resources).toEqual([]);
      expect(await stored('no-res')).toEqual([]);
    });

    it('sets the list through the import file, and exports it back', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'resources-import-'));
      try {
        const file = join(dir, 'import.json');
        writeFileSync(file, JSON.stringify({ clients: [{ client_id: 'imported', client_secret: 'imported-secret', resources: [API_A, API_B] }] }));
        expect((await cliOn('import', file)).code).toBe(0);
        expect(await stored('imported')).toEqual([API_A, API_B]);
        const exported = await cliOn('export');
        expect(JSON.parse(exported.stdout).clients.find((c: { client_id: string }) => c.client_id === 'imported').resources).toEqual([API_A, API_B]);

        writeFileSync(file, JSON.stringify({ clients: [{ client_id: 'imported', resources: ['not a uri'] }] }));
        const refused = await cliOn('import', file);
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toMatch(/clients\[0\]\.resources\[0\]: must be a URI/);
        expect(await stored('imported')).toEqual([API_A, API_B]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('sets the list with the CLI: --resource on clients create and update, --clear-resources', async () => {
      const created = await cliOn('clients', 'create', 'cli-rp', '--secret', 'cli-rp-secret', '--scope', 'profile', '--resource', API_A, '--resource', API_B);
      expect(created).toMatchObject({ code: 0, stderr: '' });
      expect(await stored('cli-rp')).toEqual([API_A, API_B]);

      const updated = await cliOn('clients', 'update', 'cli-rp', '--resource', 'https://api-c.example.com');
      expect(updated).toMatchObject({ code: 0, stderr: '' });
      expect(await stored('cli-rp')).toEqual(['https://api-c.example.com']);
      // The settings not given stay.
      expect((await t.app.get(ClientRepository).findById('cli-rp'))?.scopes).toEqual(['profile']);
      const shown = await cliOn('clients', 'show', 'cli-rp');
      expect(shown.stdout).toMatch(/^resources\s+https:\/\/api-c\.example\.com$/m);
      const res = await tokenAs({ client_id: 'cli-rp', client_secret: 'cli-rp-secret' }, { grant_type: 'client_credentials', resource: 'https://api-c.example.com' }).expect(200);
      expect(audOf(res)).toBe('https://api-c.example.com');

      expect((await cliOn('clients', 'update', 'cli-rp', '--clear-resources')).code).toBe(0);
      expect(await stored('cli-rp')).toEqual([]);
      const bad = await cliOn('clients', 'update', 'cli-rp', '--resource', 'https://api.example.com/#x');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/resources\[0\]: must not contain a fragment/);
    });
  });
});

describe('The resource indicators migration', () => {
  const store = testStoreConfig();
  afterAll(() => store.cleanup());

  it('gives the clients stored before it an empty list', async () => {
    const options = dataSourceOptions(store.databaseUrl, store.databaseSchema);
    if (store.databaseSchema) await ensurePostgresSchema(store.databaseUrl, store.databaseSchema);
    const index = MIGRATIONS.findIndex((m) => m.name === 'ResourceIndicators1765750000000');
    expect(index).toBeGreaterThan(0);
    const before = new DataSource({ ...options, migrations: MIGRATIONS.slice(0, index) } as typeof options);
    await before.initialize();
    try {
      await before.runMigrations();
      await before.query(
        `INSERT INTO client (client_id, grant_types, scopes, redirect_uris, created_at, updated_at) VALUES ('old-client', '["client_credentials"]', '[]', '[]', 1, 1)`,
      );
    } finally {
      await before.destroy();
    }
    const after = new DataSource(options);
    await after.initialize();
    try {
      await after.runMigrations();
      const client = await after.getRepository(ClientEntity).findOneBy({ clientId: 'old-client' });
      expect(client?.resources).toEqual([]);
    } finally {
      await after.destroy();
    }
  });
});
