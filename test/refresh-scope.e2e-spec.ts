import request from 'supertest';
import { decodeJwt } from 'jose';
import { tokenDigest } from '@app/auth';
import { IssuedTokenEntity } from '@app/store';
import { ClientFixture, introspect, passwordLogin, seedClient, seedUser } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const APP: ClientFixture = { client_id: 'app', client_secret: 'app-secret', scopes: ['openid', 'profile', 'admin'], grant_types: ['password', 'refresh_token'] };
const OPS: ClientFixture = { client_id: 'ops', client_secret: 'ops-secret', scopes: ['admin'], grant_types: ['client_credentials'] };

/**
 * "Refresh keeps scopes the client no longer has": a refresh grants at most the scopes the client
 * holds now (and, RFC 6749 §6, at most those originally granted), while the rotated refresh
 * token keeps the scope of its grant.
 */
describe('Refresh token grant: the scopes the client holds now', () => {
  let t: TestApp;
  let opsToken: string;

  const refresh = (refreshToken: string, scope?: string) =>
    request(t.server).post('/token').auth(APP.client_id, APP.client_secret).type('form').send({ grant_type: 'refresh_token', refresh_token: refreshToken, ...(scope ? { scope } : {}) });
  const setScopes = (scopes: string[]) =>
    request(t.server).put(`/admin/clients/${APP.client_id}`).set('Authorization', `Bearer ${opsToken}`).send({ scopes, grant_types: APP.grant_types }).expect(200);
  const refreshRow = (refreshToken: string) => t.dataSource.getRepository(IssuedTokenEntity).findOneByOrFail({ id: tokenDigest(refreshToken) });
  const adminApi = async (accessToken: string) => (await request(t.server).get('/admin/clients').set('Authorization', `Bearer ${accessToken}`)).status;

  beforeAll(async () => {
    t = await startTestApp();
    for (const c of [APP, OPS]) await seedClient(t, c);
    await seedUser(t, 'ada', 'ada-password');
    opsToken = (await request(t.server).post('/token').auth(OPS.client_id, OPS.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' }).expect(200)).body.access_token;
  });
  beforeEach(() => setScopes(APP.scopes!));
  afterAll(async () => { await t.close(); });

  it('after an admin removed a scope from the client, a refresh no longer mints it, with or without scope asked for', async () => {
    const login = await passwordLogin(t, APP, 'ada', 'ada-password', 'openid profile admin');
    expect(login.status).toBe(200);
    expect(await adminApi(login.body.access_token)).toBe(200);
    await setScopes(['openid', 'profile']);

    const first = await refresh(login.body.refresh_token);
    expect(first.status).toBe(200);
    expect(first.body.scope).toBe('openid profile');
    expect(decodeJwt(first.body.access_token).scope).toBe('openid profile');
    expect(await introspect(t, APP, first.body.access_token)).toMatchObject({ active: true, scope: 'openid profile' });
    expect(await adminApi(first.body.access_token)).toBe(403);
    expect((await t.dataSource.getRepository(IssuedTokenEntity).findOneByOrFail({ id: decodeJwt(first.body.access_token).jti as string })).scope).toBe('openid profile');
    // The rotated refresh token keeps its grant's scope (RFC 6749 §6); each refresh narrows again.
    expect((await refreshRow(first.body.refresh_token)).scope).toBe('openid profile admin');

    // Asked for, a removed scope is left out as well (RFC 6749 §3.3: the answer's scope says so).
    const asked = await refresh(first.body.refresh_token, 'openid admin');
    expect(asked.status).toBe(200);
    expect(asked.body.scope).toBe('openid');
    expect(await introspect(t, APP, asked.body.access_token)).toMatchObject({ active: true, scope: 'openid' });

    // A scope never granted is still refused, whatever the client holds.
    const exceeding = await refresh(asked.body.refresh_token, 'openid email');
    expect(exceeding.status).toBe(400);
    expect(exceeding.body.error).toBe('invalid_scope');
  });

  it('answers invalid_scope when the client holds none of the scopes asked for, and leaves the refresh token unused', async () => {
    const login = await passwordLogin(t, APP, 'ada', 'ada-password', 'openid admin');
    await setScopes(['openid', 'profile']);
    const onlyRemoved = await refresh(login.body.refresh_token, 'admin');
    expect(onlyRemoved.status).toBe(400);
    expect(onlyRemoved.body).toEqual({ error: 'invalid_scope', error_description: 'The client no longer holds any of the scopes asked for.' });
    expect((await refreshRow(login.body.refresh_token)).consumedAt).toBeNull();

    await setScopes(APP.scopes!);
    const adminOnly = await passwordLogin(t, APP, 'ada', 'ada-password', 'admin');
    expect(adminOnly.status).toBe(200);
    await setScopes(['openid']);
    const res = await refresh(adminOnly.body.refresh_token);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
    expect((await refreshRow(adminOnly.body.refresh_token)).consumedAt).toBeNull();
  });
});
