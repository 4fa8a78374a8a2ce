import request, { Response } from 'supertest';
import { GlobalRevocationService } from '@app/revocation';
import { UserRepository } from '@app/store';
import { passwordLogin, seedClient, seedUser } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

describe('OpenID Connect UserInfo endpoint', () => {
  let t: TestApp;
  const RP = { client_id: 'rp', client_secret: 'rp-secret-1' };
  const ADMIN = { client_id: 'admin', client_secret: 'admin-secret' };
  const ADA_ATTRIBUTES = {
    mail: 'ada@example.com', email_verified: 'true', givenName: 'Ada', sn: 'Lovelace', displayName: 'Ada Lovelace', locale: 'en-GB',
    telephoneNumber: '+44 20 7946 0000', employeeNumber: 'E1815',
  };
  let adaSub: string;

  const login = async (scope: string, username = 'ada', password = 'ada-password') => {
    const res = await passwordLogin(t, RP, username, password, scope);
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  const userinfo = (token: string | undefined, method: 'get' | 'post' = 'get') => {
    const req = request(t.server)[method]('/userinfo');
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };
  const adminToken = async () =>
    (await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' }).expect(200)).body.access_token as string;
  const expectInvalidToken = (res: Response) => {
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  };

  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, { ...RP, scopes: ['openid', 'profile', 'email', 'phone', 'address'], resources: ['https://api.example.com'] });
    await seedClient(t, { ...ADMIN, grant_types: ['client_credentials'], scopes: ['admin'] });
    adaSub = await seedUser(t, 'ada', 'ada-password', ADA_ATTRIBUTES);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the email claims for the email scope, from the user\'s attributes, and nothing of profile', async () => {
    const res = await userinfo(await login('openid email')).expect(200);
    expect(res.body).toEqual({ sub: adaSub, email: 'ada@example.com', email_verified: true });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers the profile claims for the profile scope, leaving out those the user has no attribute for', async () => {
    const res = await userinfo(await login('openid profile')).expect(200);
    expect(res.body).toEqual({
      sub: adaSub, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada', locale: 'en-GB', updated_at: expect.any(Number),
    });
    const user = await t.app.get(UserRepository).findById(adaSub);
    expect(res.body.updated_at).toBe(Math.floor(user!.updatedAt / 1000));
    // Not an attribute of any scope: never released.
    expect(JSON.stringify(res.body)).not.toContain('E1815');
  });

  it('answers every scope granted together, and only sub for openid alone', async () => {
    const all = await userinfo(await login('openid profile email phone')).expect(200);
    expect(all.body).toMatchObject({ sub: adaSub, email: 'ada@example.com', given_name: 'Ada', phone_number: '+44 20 7946 0000' });
    expect(all.body).not.toHaveProperty('address');
    expect((await userinfo(await login('openid')).expect(200)).body).toEqual({ sub: adaSub });
  });

  it('answers POST as GET', async () => {
    const token = await login('openid email');
    const res = await userinfo(token, 'post').expect(200);
    expect(res.body).toEqual({ sub: adaSub, email: 'ada@example.com', email_verified: true });
    const withForm = await userinfo(token, 'post').type('form').send({ unrelated: 'x' }).expect(200);
    expect(withForm.body.sub).toBe(adaSub);
  });

  it('requires the openid scope: 403 insufficient_scope', async () => {
    const res = await userinfo(await login('profile'));
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toMatch(/error="insufficient_scope", scope="openid"/);
  });

  it('answers 401 invalid_token with WWW-Authenticate without a token or with a bad one, by GET and POST', async () => {
    const token = await login('openid email');
    for (const method of ['get', 'post'] as const) {
      expectInvalidToken(await userinfo(undefined, method));
      expectInvalidToken(await userinfo(`${token.slice(0, -4)}AAAA`, method));
      expectInvalidToken(await userinfo('not-a-token', method));
      expectInvalidToken(await request(t.server)[method]('/userinfo').auth(RP.client_id, RP.client_secret));
    }
    // RFC 6750 §2.2's form parameter is not one of the ways this endpoint reads a token.
    expectInvalidToken(await request(t.server).post('/userinfo').type('form').send({ access_token: token }));
  });

  it('answers 401 for a token revoked at /revoke', async () => {
    const token = await login('openid email');
    await userinfo(token).expect(200);
    await request(t.server).post('/revoke').auth(RP.client_id, RP.client_secret).type('form').send({ token }).expect(200);
    expectInvalidToken(await userinfo(token));
  });

  it('answers 401 while the user is suspended, and again once resumed', async () => {
    const bob = await seedUser(t, 'bob', 'bob-password', { mail: 'bob@example.com' });
    const token = await login('openid email', 'bob', 'bob-password');
    const admin = await adminToken();
    await request(t.server).post(`/admin/users/${bob}/suspend`).set('Authorization', `Bearer ${admin}`).expect(204);
    expectInvalidToken(await userinfo(token));
    await request(t.server).post(`/admin/users/${bob}/resume`).set('Authorization', `Bearer ${admin}`).expect(204);
    expect((await userinfo(token).expect(200)).body).toMatchObject({ sub: bob, email: 'bob@example.com' });
  });

  it('answers 401 after a global revocation of the user', async () => {
    const carol = await seedUser(t, 'carol', 'carol-password');
    const token = await login('openid', 'carol', 'carol-password');
    await userinfo(token).expect(200);
    await t.app.get(GlobalRevocationService).revokeUser(carol, 'test');
    expectInvalidToken(await userinfo(token));
  });

  it('answers 401 once the user is deleted, through the admin API or gone from the store by other means', async () => {
    const dave = await seedUser(t, 'dave', 'dave-password');
    const deleted = await login('openid', 'dave', 'dave-password');
    await request(t.server).delete(`/admin/users/${dave}`).set('Authorization', `Bearer ${await adminToken()}`).expect(204);
    expectInvalidToken(await userinfo(deleted));

    // A row removed without the revocation the admin API does: the endpoint still finds no user.
    const erin = await seedUser(t, 'erin', 'erin-password');
    const orphaned = await login('openid', 'erin', 'erin-password');
    await t.app.get(UserRepository).delete(erin);
    const res = await userinfo(orphaned);
    expectInvalidToken(res);
    expect(res.body.error_description).toMatch(/no longer exists/);
  });

  it('answers 401 to a client\'s own token and to a token minted for another resource', async () => {
    const own = await request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'openid' }).expect(200);
    const refused = await userinfo(own.body.access_token);
    expectInvalidToken(refused);
    expect(refused.body.error_description).toMatch(/client/);
    const forApi = await request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form')
      .send({ grant_type: 'password', username: 'ada', password: 'ada-password', scope: 'openid email', resource: 'https://api.example.com' }).expect(200);
    expectInvalidToken(await userinfo(forApi.body.access_token));
  });

  it('is listed in discovery, with the claims it releases and the scopes that release them', async () => {
    const doc = (await request(t.server).get('/.well-known/openid-configuration').expect(200)).body;
    expect(doc.userinfo_endpoint).toBe('http://localhost:8080/userinfo');
    expect(doc.claims_supported).toEqual(expect.arrayContaining(['sub', 'email', 'email_verified', 'name', 'given_name', 'family_name', 'preferred_username', 'updated_at', 'phone_number']));
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'phone', 'address']));
    // Every claim of the userinfo answers above is one discovery lists.
    const all = await userinfo(await login('openid profile email phone')).expect(200);
    expect(Object.keys(all.body).filter((claim) => !doc.claims_supported.includes(claim))).toEqual([]);
  });
});
