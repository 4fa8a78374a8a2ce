import request from 'supertest';
import { verifySecret } from '@app/auth';
import { ProvisioningService } from '@app/admin';
import { ClientRepository, FeatureFlagRepository, UserRepository } from '@app/store';
import { introspect } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };
const RP = { client_id: 'rp1', client_secret: 'rp1-secret' };

describe('Admin API', () => {
  let t: TestApp;
  let adminToken: string;
  let rpToken: string;

  const token = async (c: { client_id: string; client_secret: string }, scope?: string) => {
    const res = await request(t.server).post('/token').auth(c.client_id, c.client_secret).type('form').send({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
    return res;
  };
  const as = (method: 'get' | 'post' | 'put' | 'delete', path: string, bearer = adminToken) => request(t.server)[method](path).set('Authorization', `Bearer ${bearer}`);

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.get(ProvisioningService).importDocument({
      clients: [
        { ...ADMIN, grant_types: ['client_credentials'], scopes: ['admin'] },
        { ...RP, grant_types: ['client_credentials', 'password', 'refresh_token'], scopes: ['openid', 'profile', 'api'] },
      ],
      users: [{ uid: 'breakfast', password: 'a-password', attributes: { mail: 'breakfast@example.com' } }],
    });
    const admin = await token(ADMIN, 'admin');
    expect(admin.status).toBe(200);
    adminToken = admin.body.access_token;
    rpToken = (await token(RP, 'api')).body.access_token;
  });
  afterAll(async () => { await t.close(); });

  describe('protection', () => {
    const routes: ['get' | 'post' | 'put' | 'delete', string][] = [
      ['get', '/admin/clients'], ['post', '/admin/clients'], ['get', '/admin/clients/rp1'], ['put', '/admin/clients/rp1'],
      ['delete', '/admin/clients/rp1'], ['post', '/admin/clients/rp1/secret'], ['get', '/admin/users'], ['post', '/admin/users'],
      ['get', '/admin/users/x'], ['delete', '/admin/users/x'], ['get', '/admin/users/x/sessions'], ['get', '/admin/sessions/x'],
      ['get', '/admin/feature-flags'], ['get', '/admin/feature-flags/END_SESSION'], ['put', '/admin/feature-flags/END_SESSION'],
    ];

    it('answers 401 invalid_token with WWW-Authenticate without a token, or with a bad one', async () => {
      for (const [method, path] of routes) {
        const res = await request(t.server)[method](path).send({ enabled: false });
        expect([method, path, res.status]).toEqual([method, path, 401]);
        expect(res.body.error).toBe('invalid_token');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      }
      const forged = await as('get', '/admin/clients', `${adminToken.slice(0, -4)}AAAA`);
      expect(forged.status).toBe(401);
      const basic = await request(t.server).get('/admin/clients').auth(ADMIN.client_id, ADMIN.client_secret);
      expect(basic.status).toBe(401);
    });

    it('answers 403 insufficient_scope to a valid token without the admin scope', async () => {
      for (const [method, path] of routes) {
        const res = await as(method, path, rpToken).send({ enabled: false });
        expect([method, path, res.status]).toEqual([method, path, 403]);
        expect(res.body.error).toBe('insufficient_scope');
      }
      expect(await t.app.get(ClientRepository).findById('rp1')).not.toBeNull();
    });

    it('answers 401 once the admin token is revoked', async () => {
      const extra = (await token(ADMIN, 'admin')).body.access_token as string;
      expect((await as('get', '/admin/clients', extra)).status).toBe(200);
      await request(t.server).post('/revoke').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ token: extra }).expect(200);
      expect((await as('get', '/admin/clients', extra)).status).toBe(401);
    });
  });

  // Each test makes the clients and users it changes, so any one of them runs alone or in any order.
  describe('clients', () => {
    const created = async (body: Record<string, unknown>) => {
      const res = await as('post', '/admin/clients').send(body);
      expect(res.status).toBe(201);
      return res.body as { client_id: string; client_secret: string };
    };
    const service = (clientId: string, extra: Record<string, unknown> = {}) => created({ client_id: clientId, scopes: ['api'], grant_types: ['client_credentials'], ...extra });

    it('creates a client with a generated secret, shown once, that works at /token', async () => {
      const res = await as('post', '/admin/clients').send({ client_id: 'svc-new', scopes: ['api'], grant_types: ['client_credentials'], client_name: 'Service' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        client_id: 'svc-new', client_name: 'Service', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'],
        scopes: ['api'], redirect_uris: [], session_revocation_api: false, session_management_api: false, has_secret: true, access_token_format: 'jwt',
      });
      const generated = res.body.client_secret as string;
      expect(generated).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(JSON.stringify(res.body)).not.toMatch(/scrypt|sha256\$|secret_hash|secretHash/);
      const stored = await t.app.get(ClientRepository).findById('svc-new');
      expect(await verifySecret(generated, stored!.secretHash)).toBe(true);
      expect((await token({ client_id: 'svc-new', client_secret: generated })).status).toBe(200);

      const again = await as('get', '/admin/clients/svc-new');
      expect(again.status).toBe(200);
      expect(again.body.client_secret).toBeUndefined();
      expect(JSON.stringify(again.body)).not.toMatch(/scrypt|sha256\$/);
    });

    it('creates a client with a given secret, and a public client without one', async () => {
      const res = await as('post', '/admin/clients').send({ client_id: 'post-client', client_secret: 'post-client-secret', token_endpoint_auth_method: 'client_secret_post' });
      expect(res.status).toBe(201);
      expect(res.body.client_secret).toBe('post-client-secret');
      const ok = await request(t.server).post('/token').type('form').send({ grant_type: 'client_credentials', client_id: 'post-client', client_secret: 'post-client-secret' });
      expect(ok.status).toBe(200);

      const spa = await as('post', '/admin/clients').send({
        client_id: 'spa', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://spa.example/cb'],
      });
      expect(spa.status).toBe(201);
      expect(spa.body).toMatchObject({ has_secret: false });
      expect(spa.body.client_secret).toBeUndefined();
    });

    it('refuses a duplicate id with 409 and a bad body with 400 naming the paths', async () => {
      await service('svc-taken');
      const dup = await as('post', '/admin/clients').send({ client_id: 'svc-taken' });
      expect(dup.status).toBe(409);
      expect(dup.body).toEqual({ error: 'conflict', error_description: 'A client with the id "svc-taken" exists.' });

      const bad = await as('post', '/admin/clients').send({
        client_id: 'x', grant_types: ['client_credentials', 'implicit'], scopes: 'api', secret_hash: 'scrypt$...', access_token_format: 'opaque',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_request');
      expect(bad.body.error_description.split('; ').sort()).toEqual([
        'access_token_format: must be one of jwt, reference',
        'grant_types[1]: must be one of client_credentials, password, refresh_token, authorization_code',
        'scopes: must be an array',
        'secret_hash: unknown member',
      ]);
      expect((await as('post', '/admin/clients')).status).toBe(400);
      expect((await as('post', '/admin/clients').send([1])).body.error_description).toBe('(root): must be a JSON object');
      expect(await t.app.get(ClientRepository).findById('x')).toBeNull();
    });

    it('refuses a client_name with bidirectional or other control characters, on create and on update, and keeps names in any script', async () => {
      const BIDI = 'client_name: must not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)';
      const CONTROL = 'client_name: must not contain control characters';
      const names: [string, string][] = [
        ['Pay\u202Eldnuf', BIDI], ['\u202AEmbedded\u202C', BIDI], ['Isolated \u2066admin\u2069', BIDI], ['First \u2068strong\u2069', BIDI],
        ['Tab\there', CONTROL], ['Line\nbreak', CONTROL], ['Bell\u0007', CONTROL], ['Next line\u0085', CONTROL], ['Delete\u007F', CONTROL],
      ];
      for (const [client_name, problem] of names) {
        const res = await as('post', '/admin/clients').send({ client_id: 'svc-bidi', scopes: ['api'], grant_types: ['client_credentials'], client_name });
        expect([client_name, res.status, res.body]).toEqual([client_name, 400, { error: 'invalid_request', error_description: problem }]);
      }
      expect(await t.app.get(ClientRepository).findById('svc-bidi')).toBeNull();

      await service('svc-named', { client_name: 'Billing' });
      const update = await as('put', '/admin/clients/svc-named').send({ client_name: 'Billing \u202Enimda' });
      expect([update.status, update.body]).toEqual([400, { error: 'invalid_request', error_description: BIDI }]);
      expect((await t.app.get(ClientRepository).findById('svc-named'))!.clientName).toBe('Billing');
      const rtl = await as('put', '/admin/clients/svc-named').send({ client_name: 'חשבונות Billing 🧾' });
      expect([rtl.status, rtl.body.client_name]).toEqual([200, 'חשבונות Billing 🧾']);
    });

    it('lists clients ordered by id and gets one, 404 for an unknown id', async () => {
      await service('svc-listed-b');
      await service('svc-listed-a');
      const list = await as('get', '/admin/clients');
      expect(list.status).toBe(200);
      const ids = list.body.map((c: { client_id: string }) => c.client_id) as string[];
      expect(ids).toEqual([...ids].sort());
      expect(ids).toEqual(expect.arrayContaining(['admin', 'rp1', 'svc-listed-a', 'svc-listed-b']));
      expect(JSON.stringify(list.body)).not.toMatch(/scrypt|sha256\$/);
      expect((await as('get', '/admin/clients/svc-listed-a')).body).toEqual(list.body.find((c: { client_id: string }) => c.client_id === 'svc-listed-a'));
      const missing = await as('get', '/admin/clients/nobody');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ error: 'not_found', error_description: 'No client with the id "nobody".' });
    });

    it('replaces settings with PUT and keeps the secret', async () => {
      const { client_secret: secret } = await service('svc-put');
      expect((await token({ client_id: 'svc-put', client_secret: secret })).body.access_token).toMatch(/^eyJ/);
      const res = await as('put', '/admin/clients/svc-put').send({ scopes: ['api', 'extra'], grant_types: ['client_credentials'], session_revocation_api: true, access_token_format: 'reference' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        client_id: 'svc-put', scopes: ['api', 'extra'], session_revocation_api: true, client_name: null, has_secret: true, access_token_format: 'reference',
      });
      const issued = await token({ client_id: 'svc-put', client_secret: secret }, 'extra');
      expect(issued.status).toBe(200);
      expect(issued.body.access_token).toMatch(/^rat1\./);
      expect((await as('put', '/admin/clients/nobody').send({})).status).toBe(404);
      const bad = await as('put', '/admin/clients/svc-put').send({ client_secret: 'x'.repeat(20) });
      expect(bad.status).toBe(400);
      expect(bad.body.error_description).toBe('client_secret: unknown member');
    });

    it('rotates the secret: the new one is shown once and works, the old one stops at once', async () => {
      const { client_secret: generated } = await service('svc-rotate');
      expect((await token({ client_id: 'svc-rotate', client_secret: generated })).status).toBe(200);
      const res = await as('post', '/admin/clients/svc-rotate/secret');
      expect(res.status).toBe(200);
      const fresh = res.body.client_secret as string;
      expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(fresh).not.toBe(generated);
      expect((await token({ client_id: 'svc-rotate', client_secret: generated })).status).toBe(401);
      expect((await token({ client_id: 'svc-rotate', client_secret: fresh })).status).toBe(200);

      const chosen = await as('post', '/admin/clients/svc-rotate/secret').send({ client_secret: 'a-chosen-secret' });
      expect(chosen.status).toBe(200);
      expect(chosen.body.client_secret).toBe('a-chosen-secret');
      expect((await token({ client_id: 'svc-rotate', client_secret: 'a-chosen-secret' })).status).toBe(200);

      expect((await as('post', '/admin/clients/svc-rotate/secret').send({ client_secret: 'short' })).status).toBe(400);
      await created({ client_id: 'spa-rotate', token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], redirect_uris: ['https://spa.example/cb'] });
      expect((await as('post', '/admin/clients/spa-rotate/secret')).status).toBe(400);
      expect((await as('post', '/admin/clients/nobody/secret')).status).toBe(404);
    });

    it('refuses a Basic header verified a moment ago once the client\'s secret or method changed, also after the new record was read', async () => {
      const settings = { scopes: ['api', 'extra'], grant_types: ['client_credentials'], session_revocation_api: true, access_token_format: 'reference' };
      await created({ client_id: 'svc-cached', client_secret: 'a-chosen-secret', ...settings });
      const old = { client_id: 'svc-cached', client_secret: 'a-chosen-secret' };
      const fresh = { client_id: 'svc-cached', client_secret: 'another-chosen-secret' };
      expect((await token(old)).status).toBe(200);
      expect((await as('post', '/admin/clients/svc-cached/secret').send({ client_secret: fresh.client_secret })).status).toBe(200);
      // The new secret first, so that the client is in memory again with its new hash.
      expect((await token(fresh)).status).toBe(200);
      const refused = await token(old);
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_client');

      // PUT replaces every setting: the same ones, with only the method changing.
      expect((await as('put', '/admin/clients/svc-cached').send({ ...settings, token_endpoint_auth_method: 'client_secret_post' })).status).toBe(200);
      expect((await request(t.server).post('/token').type('form').send({ grant_type: 'client_credentials', ...fresh })).status).toBe(200);
      expect((await token(fresh)).status).toBe(401);
      expect((await as('put', '/admin/clients/svc-cached').send({ ...settings, token_endpoint_auth_method: 'client_secret_basic' })).status).toBe(200);
      expect((await token(fresh)).status).toBe(200);
    });

    it('deletes a client and revokes its tokens', async () => {
      await service('svc-deleted', { client_secret: 'deleted-client-secret' });
      const credentials = { client_id: 'svc-deleted', client_secret: 'deleted-client-secret' };
      const issued = (await token(credentials, 'api')).body.access_token as string;
      expect((await introspect(t, RP, issued)).active).toBe(true);
      const res = await as('delete', '/admin/clients/svc-deleted');
      expect(res.status).toBe(204);
      expect((await as('get', '/admin/clients/svc-deleted')).status).toBe(404);
      expect((await introspect(t, RP, issued)).active).toBe(false);
      // Its Basic header, verified just before, is refused at once.
      expect((await token(credentials)).status).toBe(401);
      expect((await as('delete', '/admin/clients/svc-deleted')).status).toBe(404);
    });
  });

  describe('users and sessions', () => {
    const createdUser = async (uid: string) => {
      const res = await as('post', '/admin/users').send({ uid, password: `${uid}-password` });
      expect(res.status).toBe(201);
      return res.body.sub as string;
    };
    const login = (uid: string) => request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form')
      .send({ grant_type: 'password', username: uid, password: `${uid}-password`, scope: 'openid' });

    it('lists users with their attributes, never a password hash', async () => {
      const res = await as('get', '/admin/users');
      expect(res.status).toBe(200);
      expect(res.body.find((u: { attributes: { uid: string } }) => u.attributes.uid === 'breakfast'))
        .toMatchObject({ attributes: { uid: 'breakfast', mail: 'breakfast@example.com' }, has_password: true });
      expect(JSON.stringify(res.body)).not.toMatch(/scrypt|password_hash|passwordHash/);
      expect((await as('get', '/admin/users?limit=0')).status).toBe(400);
      expect((await as('get', '/admin/users?limit=1')).body).toHaveLength(1);
      expect((await as('get', `/admin/users?limit=1&offset=${res.body.length}`)).body).toEqual([]);
    });

    it('creates a user (409 for a taken uid or sub, 400 for a bad body) and gets it', async () => {
      const res = await as('post', '/admin/users').send({ uid: 'lunch', password: 'lunch-password', attributes: { mail: 'lunch@example.com' }, sub: 'lunch-0001' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ sub: 'lunch-0001', attributes: { uid: 'lunch', mail: 'lunch@example.com' }, has_password: true });
      const stored = await t.app.get(UserRepository).findById('lunch-0001');
      expect(await verifySecret('lunch-password', stored!.passwordHash)).toBe(true);

      expect((await as('post', '/admin/users').send({ uid: 'lunch' })).status).toBe(409);
      expect((await as('post', '/admin/users').send({ uid: 'other', sub: 'lunch-0001' })).status).toBe(409);
      const bad = await as('post', '/admin/users').send({ uid: 'x', attributes: { '9lives': 'cat' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error_description).toBe('attributes["9lives"]: is not a valid attribute name (^[A-Za-z][A-Za-z0-9_.:-]{0,127}$)');

      const got = await as('get', '/admin/users/lunch-0001');
      expect(got.status).toBe(200);
      expect(got.body.sub).toBe('lunch-0001');
      expect((await as('get', '/admin/users/nobody')).status).toBe(404);
    });

    it('shows the sessions a password login created', async () => {
      const sub = await createdUser('dinner');
      expect((await login('dinner')).status).toBe(200);
      const res = await as('get', `/admin/users/${sub}/sessions`);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0]).toMatchObject({ sub, client_ids: ['rp1'], authn_source: 'password', active: true, revoked_at: null });
      const one = await as('get', `/admin/sessions/${res.body[0].id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(res.body[0]);
      expect((await as('get', '/admin/sessions/nope')).status).toBe(404);
      expect((await as('get', '/admin/users/nobody/sessions')).status).toBe(404);
    });

    it('deletes a user: sessions revoked, tokens inactive, then 404', async () => {
      const sub = await createdUser('supper');
      const signedIn = await login('supper');
      expect((await introspect(t, RP, signedIn.body.access_token)).active).toBe(true);
      const [session] = (await as('get', `/admin/users/${sub}/sessions`)).body as { id: string }[];

      expect((await as('delete', `/admin/users/${sub}`)).status).toBe(204);
      expect((await as('get', `/admin/users/${sub}`)).status).toBe(404);
      expect((await introspect(t, RP, signedIn.body.access_token)).active).toBe(false);
      expect((await as('get', `/admin/sessions/${session.id}`)).body).toMatchObject({ active: false, revoked_reason: 'user_deleted', revoked_by: 'admin' });
      expect((await as('delete', `/admin/users/${sub}`)).status).toBe(404);
      expect(await t.app.get(UserRepository).findByAttribute('uid', 'supper')).toEqual([]);
    });
  });

  describe('feature flags', () => {
    it('lists and gets flags with their values in effect', async () => {
      const list = await as('get', '/admin/feature-flags');
      expect(list.status).toBe(200);
      expect(list.body).toContainEqual(expect.objectContaining({ name: 'GLOBAL_TOKEN_REVOCATION', enabled: true, default: true }));
      const one = await as('get', '/admin/feature-flags/GLOBAL_TOKEN_REVOCATION');
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ name: 'GLOBAL_TOKEN_REVOCATION', enabled: true });
      expect((await as('get', '/admin/feature-flags/NO_SUCH_FLAG')).status).toBe(404);
    });

    it('sets a flag with PUT {"enabled": false}', async () => {
      const res = await as('put', '/admin/feature-flags/GLOBAL_TOKEN_REVOCATION').send({ enabled: false });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'GLOBAL_TOKEN_REVOCATION', enabled: false, default: true });
      expect((await as('get', '/admin/feature-flags/GLOBAL_TOKEN_REVOCATION')).body.enabled).toBe(false);
      expect(await t.app.get(FeatureFlagRepository).find('GLOBAL_TOKEN_REVOCATION')).toMatchObject({ enabled: false });
      await as('put', '/admin/feature-flags/GLOBAL_TOKEN_REVOCATION').send({ enabled: true }).expect(200);
    });

    it('refuses a bad body with 400 and an unknown flag with 404', async () => {
      const bad = await as('put', '/admin/feature-flags/END_SESSION').send({ enabled: 'no', extra: 1 });
      expect(bad.status).toBe(400);
      expect(bad.body.error_description.split('; ').sort()).toEqual(['enabled: must be true or false', 'extra: unknown member']);
      expect((await as('put', '/admin/feature-flags/END_SESSION')).status).toBe(400);
      expect((await as('put', '/admin/feature-flags/NO_SUCH_FLAG').send({ enabled: true })).status).toBe(404);
    });
  });

  it('documents every admin route with bearer security and its error responses', async () => {
    const doc = (await request(t.server).get('/docs-json').expect(200)).body;
    const expected: Record<string, string[]> = {
      '/admin/clients': ['get', 'post'], '/admin/clients/{id}': ['get', 'put', 'delete'], '/admin/clients/{id}/secret': ['post'],
      '/admin/users': ['get', 'post'], '/admin/users/{id}': ['get', 'delete'], '/admin/users/{id}/sessions': ['get'],
      '/admin/sessions/{id}': ['get'], '/admin/feature-flags': ['get'], '/admin/feature-flags/{name}': ['get', 'put'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        const op = doc.paths[path]?.[method];
        expect([path, method, Boolean(op)]).toEqual([path, method, true]);
        expect(op.tags).toEqual(['Admin']);
        expect(op.security).toEqual([{ bearer: [] }, { oauth2: [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
    expect(Object.keys(doc.paths['/admin/clients'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '409']));
    expect(Object.keys(doc.paths['/admin/clients/{id}'].get.responses)).toEqual(expect.arrayContaining(['200', '404']));
    expect(doc.components.schemas.CreateClientDto.properties.grant_types).toBeDefined();
    expect(JSON.stringify(doc.components.schemas.ClientViewDto)).not.toContain('secret_hash');
  });
});
