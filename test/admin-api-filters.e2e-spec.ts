import request from 'supertest';
import { passwordLogin, seedClient, seedUser } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };
const RP = { client_id: 'rp1', client_secret: 'rp1-secret' };

describe('Admin API: list filters (honoured, or refused with 400) and 405 for a wrong method', () => {
  let t: TestApp;
  let adminToken: string;
  let alice: string;

  const get = (path: string) => request(t.server).get(path).set('Authorization', `Bearer ${adminToken}`);
  const ids = (res: request.Response, key: string) => (res.body as Record<string, unknown>[]).map((x) => x[key]);

  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, { ...ADMIN, scopes: ['admin'], grant_types: ['client_credentials'] });
    await seedClient(t, { ...RP, grant_types: ['password', 'refresh_token'], scopes: ['openid', 'api'] });
    await seedClient(t, { client_id: 'rp2', client_secret: 'rp2-secret', grant_types: ['password'], scopes: ['openid'], token_endpoint_auth_method: 'client_secret_post', resources: ['https://api.example.com'] });
    alice = await seedUser(t, 'alice', 'pw-alice', { mail: 'alice@example.com', dept: 'ops' });
    await seedUser(t, 'bob', 'pw-bob', { mail: 'bob@example.com', dept: 'ops' });
    await seedUser(t, 'carol', 'pw-carol', { mail: 'carol@example.com', dept: 'dev' });
    adminToken = (await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
  });
  afterAll(async () => { await t.close(); });

  it('users: uid, attr.NAME (all must match) and disabled are honoured', async () => {
    expect(ids(await get('/admin/users?uid=alice'), 'sub')).toEqual([alice]);
    expect(ids(await get('/admin/users?uid=nobody'), 'sub')).toEqual([]);
    expect((await get('/admin/users?attr.dept=ops')).body.map((u: { attributes: { uid: string } }) => u.attributes.uid)).toEqual(['alice', 'bob']);
    expect((await get('/admin/users?attr.dept=ops&attr.mail=bob%40example.com')).body.map((u: { attributes: { uid: string } }) => u.attributes.uid)).toEqual(['bob']);
    expect((await get('/admin/users?attr.dept=ops&limit=1&offset=1')).body.map((u: { attributes: { uid: string } }) => u.attributes.uid)).toEqual(['bob']);
    await request(t.server).patch('/admin/users/' + alice).set('Authorization', `Bearer ${adminToken}`).send({ disabled: true }).expect(200);
    expect(ids(await get('/admin/users?disabled=true'), 'sub')).toEqual([alice]);
    expect((await get('/admin/users?disabled=false&attr.dept=ops')).body.map((u: { attributes: { uid: string } }) => u.attributes.uid)).toEqual(['bob']);
    await request(t.server).patch('/admin/users/' + alice).set('Authorization', `Bearer ${adminToken}`).send({ disabled: false }).expect(200);
  });

  it('clients: grant_type, scope, token_endpoint_auth_method and resource are honoured', async () => {
    expect(ids(await get('/admin/clients?grant_type=refresh_token'), 'client_id')).toEqual(['rp1']);
    expect(ids(await get('/admin/clients?scope=openid'), 'client_id')).toEqual(['rp1', 'rp2']);
    expect(ids(await get('/admin/clients?scope=openid&grant_type=password&token_endpoint_auth_method=client_secret_post'), 'client_id')).toEqual(['rp2']);
    expect(ids(await get('/admin/clients?resource=https%3A%2F%2Fapi.example.com'), 'client_id')).toEqual(['rp2']);
    expect(ids(await get('/admin/clients?scope=nothing'), 'client_id')).toEqual([]);
  });

  it('sessions: user (required), client_id and active are honoured, on /admin/sessions and /admin/users/{id}/sessions', async () => {
    expect((await passwordLogin(t, RP, 'alice', 'pw-alice', 'openid')).status).toBe(200);
    const all = await get(`/admin/sessions?user=${alice}`);
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(1);
    expect(ids(await get(`/admin/sessions?user=${alice}&client_id=rp1&active=true`), 'id')).toEqual([all.body[0].id]);
    expect(ids(await get(`/admin/sessions?user=${alice}&client_id=rp2`), 'id')).toEqual([]);
    expect(ids(await get(`/admin/users/${alice}/sessions?active=false`), 'id')).toEqual([]);
    expect(ids(await get(`/admin/users/${alice}/sessions?client_id=rp1`), 'id')).toEqual([all.body[0].id]);
    const noUser = await get('/admin/sessions');
    expect(noUser.status).toBe(400);
    expect(noUser.body.error_description).toMatch(/^user: required/);
    expect((await get('/admin/sessions?user=nobody')).status).toBe(404);
  });

  it('refuses an unknown query parameter with 400 invalid_request naming it, on every admin list and record', async () => {
    const res = await get('/admin/users?uid=alice&department=ops');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'Unknown query parameter "department": this endpoint takes limit, offset, uid, attr.NAME, disabled.',
    });
    for (const path of [
      '/admin/clients?client=rp1', '/admin/clients/rp1?verbose=1', '/admin/users/x?uid=alice', `/admin/users/${alice}/sessions?user=x`,
      '/admin/sessions?user=x&sub=y', '/admin/feature-flags?name=END_SESSION', '/admin/notifications?client_id=rp1', '/admin/keys?alg=ES256',
    ]) {
      const refused = await get(path);
      expect([path, refused.status, refused.body.error]).toEqual([path, 400, 'invalid_request']);
      expect(refused.body.error_description).toMatch(/^Unknown query parameter "/);
    }
    expect((await get('/admin/feature-flags?a=1&b=2')).body.error_description).toMatch(/^Unknown query parameters "a", "b": this endpoint takes no query parameter\.$/);
  });

  it('refuses bad filter values and a parameter given twice', async () => {
    const cases: [string, RegExp][] = [
      ['/admin/clients?grant_type=magic', /^grant_type: must be one of client_credentials/],
      ['/admin/clients?token_endpoint_auth_method=x', /^token_endpoint_auth_method: must be one of/],
      ['/admin/users?disabled=yes', /^disabled: must be true or false/],
      ['/admin/users?uid=', /^uid: must be 1 to 1024 characters/],
      ['/admin/users?attr.=x', /^Unknown query parameter "attr\."/],
      ['/admin/users?attr.1bad=x', /^attr\.1bad: "1bad" is not a valid attribute name/],
      ['/admin/users?uid=alice&uid=bob', /^uid: must be given once/],
      [`/admin/sessions?user=${'x'}&active=maybe`, /^active: must be true or false/],
    ];
    for (const [path, message] of cases) {
      const res = await get(path);
      expect([path, res.status, res.body.error]).toEqual([path, 400, 'invalid_request']);
      expect(res.body.error_description).toMatch(message);
    }
  });

  it('answers 405 with Allow and the admin error body for a known admin path with another method; 404 for an unknown path', async () => {
    const cases: [string, string, string][] = [
      ['post', '/admin/clients/rp1', 'GET, HEAD, PUT, PATCH, DELETE'],
      ['delete', '/admin/clients', 'GET, HEAD, POST'],
      ['put', '/admin/users/x', 'GET, HEAD, PATCH, DELETE'],
      ['get', '/admin/clients/rp1/secret', 'POST'],
      ['post', '/admin/sessions/x', 'GET, HEAD, DELETE'],
      ['patch', '/admin/feature-flags/END_SESSION', 'GET, HEAD, PUT'],
      ['get', '/admin/keys/rotate', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await (request(t.server) as unknown as Record<string, (p: string) => request.Test>)[method](path).set('Authorization', `Bearer ${adminToken}`);
      expect([method, path, res.status, res.headers.allow]).toEqual([method, path, 405, allow]);
      expect(res.body).toEqual({ error: 'method_not_allowed', error_description: `${method.toUpperCase()} is not allowed on this endpoint; use ${allow}.` });
    }
    const anonymous = await request(t.server).post('/admin/users/x/sessions');
    expect([anonymous.status, anonymous.headers.allow]).toEqual([405, 'GET, HEAD, DELETE']);
    const unknown = await get('/admin/no-such-api');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', error_description: 'No such admin endpoint.' });
    expect((await get('/admin/clients/rp1/nothing')).status).toBe(404);
  });
});
