import request from 'supertest';
import { decodeJwt } from 'jose';
import { ClientRepository } from '@app/store';
import { StatusType } from '../libs/resource-server/src/status-list';
import { runCli } from '../apps/cli/src/cli';
import { ClientFixture, passwordLogin, seedClient, seedUser } from './support/fixtures';
import { REVOKED_SRIS, SESSIONS, USERS } from './support/session-mgmt';
import { expectStatusSoon, servedStatus } from './support/status-list';
import { startTestApp, TestApp } from './support/test-app';

const { VALID, INVALID } = StatusType;

/**
 * Every revocation path reaches the status lists, though none of them knows of them: each
 * token's status follows the revocation rules over the facts the revocation feed carries.
 * Each case revokes one token (or user, session, client) and checks a control stays VALID.
 */
describe('Token Status List: every revocation path', () => {
  let t: TestApp;
  let rp: ClientFixture;
  let lenient: ClientFixture;
  let adminToken: string;
  const mgmt = { client_id: 'mgmt', client_secret: 'mgmt-secret', session_management_api: true, session_revocation_api: true, scopes: ['openid', 'profile'] };
  let n = 0;

  /** A new user and one password login of `client` (access, ID and refresh tokens). */
  async function login(client: ClientFixture = rp, attributes: Record<string, string> = {}) {
    const uid = `user-${++n}`;
    const sub = await seedUser(t, uid, 'a-password', { mail: `${uid}@example.com`, ...attributes });
    const res = await passwordLogin(t, client, uid, 'a-password');
    expect(res.status).toBe(200);
    const id = decodeJwt(res.body.id_token);
    return { uid, sub, mail: `${uid}@example.com`, ...(res.body as { access_token: string; id_token: string; refresh_token: string }), sri: id['pi.sri'] as string, sid: id.sid as string };
  }

  beforeAll(async () => {
    t = await startTestApp();
    rp = await seedClient(t, { client_id: 'rp', client_secret: 'rp-secret-1', scopes: ['openid', 'profile'] });
    lenient = await seedClient(t, { client_id: 'lenient', client_secret: 'lenient-secret-1', scopes: ['openid', 'profile'] });
    const clients = t.app.get(ClientRepository);
    const row = (await clients.findById('lenient'))!;
    await clients.save({ ...row, sessionValidation: { check_session_revocation_status: false } });
    await seedClient(t, mgmt);
    await seedClient(t, { client_id: 'admin', client_secret: 'admin-secret', grant_types: ['client_credentials'], scopes: ['admin'] });
    adminToken = (await request(t.server).post('/token').auth('admin', 'admin-secret').type('form').send({ grant_type: 'client_credentials', scope: 'admin' }).expect(200)).body.access_token;
  });
  afterAll(async () => {
    await t.close();
  });

  it('a listed SRI: the session\'s tokens read INVALID for a client that checks the list, VALID for one that does not', async () => {
    const checked = await login(rp);
    const control = await login(rp);
    await request(t.server).post(REVOKED_SRIS).auth(mgmt.client_id, mgmt.client_secret).set('X-XSRF-HEADER', 'x').set('Content-Type', 'application/json')
      .send({ id: checked.sri }).expect(201);
    await expectStatusSoon(t, checked.access_token, INVALID);
    await expectStatusSoon(t, checked.id_token, INVALID);
    expect(await servedStatus(t, control.access_token)).toBe(VALID);
    const unchecked = await login(lenient);
    const checkedToo = await login(rp);
    for (const sri of [unchecked.sri, checkedToo.sri]) {
      await request(t.server).post(REVOKED_SRIS).auth(mgmt.client_id, mgmt.client_secret).set('X-XSRF-HEADER', 'x').set('Content-Type', 'application/json')
        .send({ id: sri }).expect(201);
    }
    await expectStatusSoon(t, checkedToo.access_token, INVALID);
    // Read once the second listing has reached the list: the first one has too, and left it VALID.
    expect(await servedStatus(t, unchecked.access_token)).toBe(VALID);
  });

  it('end session (RP-Initiated Logout): the session\'s tokens read INVALID', async () => {
    const ended = await login();
    const control = await login();
    await request(t.server).get(`/end_session?${new URLSearchParams({ id_token_hint: ended.id_token })}`).redirects(0).expect((res) => expect(res.status).toBeLessThan(400));
    await expectStatusSoon(t, ended.access_token, INVALID);
    await expectStatusSoon(t, ended.id_token, INVALID);
    expect(await servedStatus(t, control.access_token)).toBe(VALID);
  });

  it('Session Management API: sessions/{sri}/revoke and users/{userKey}/revoke', async () => {
    const bySession = await login();
    const byUser = await login();
    const control = await login();
    await request(t.server).post(`${SESSIONS}/${encodeURIComponent(bySession.sri)}/revoke`).auth(mgmt.client_id, mgmt.client_secret).set('X-XSRF-HEADER', 'x').expect(200);
    await request(t.server).post(`${USERS}/${encodeURIComponent(byUser.uid)}/revoke`).auth(mgmt.client_id, mgmt.client_secret).set('X-XSRF-HEADER', 'x').expect(200);
    for (const token of [bySession.access_token, bySession.id_token, byUser.access_token, byUser.id_token]) await expectStatusSoon(t, token, INVALID);
    expect(await servedStatus(t, control.access_token)).toBe(VALID);
  });

  it('refresh token reuse: the whole grant\'s access tokens read INVALID', async () => {
    const grant = await login();
    const control = await login();
    const refresh = () => request(t.server).post('/token').auth(rp.client_id, rp.client_secret).type('form').send({ grant_type: 'refresh_token', refresh_token: grant.refresh_token });
    const rotated = await refresh().expect(200);
    await expectStatusSoon(t, rotated.body.access_token, VALID);
    expect((await refresh()).body.error).toBe('invalid_grant');
    await expectStatusSoon(t, grant.access_token, INVALID);
    await expectStatusSoon(t, rotated.body.access_token, INVALID);
    expect(await servedStatus(t, control.access_token)).toBe(VALID);
  });

  it('admin: deleting a user, and deleting a client (its own tokens and its users\')', async () => {
    const deleted = await login();
    const control = await login();
    await request(t.server).delete(`/admin/users/${deleted.sub}`).set('Authorization', `Bearer ${adminToken}`).expect(204);
    await expectStatusSoon(t, deleted.access_token, INVALID);
    await expectStatusSoon(t, deleted.id_token, INVALID);
    await seedClient(t, { client_id: 'doomed', client_secret: 'doomed-secret-1', scopes: ['openid', 'profile'] });
    const own = (await request(t.server).post('/token').auth('doomed', 'doomed-secret-1').type('form').send({ grant_type: 'client_credentials', scope: 'profile' }).expect(200)).body.access_token;
    const users = await login({ client_id: 'doomed', client_secret: 'doomed-secret-1' });
    await expectStatusSoon(t, own, VALID);
    await request(t.server).delete('/admin/clients/doomed').set('Authorization', `Bearer ${adminToken}`).expect(204);
    for (const token of [own, users.access_token, users.id_token]) await expectStatusSoon(t, token, INVALID);
    expect(await servedStatus(t, control.access_token)).toBe(VALID);
  });

  it('CLI: users revoke, from another process on the same store', async () => {
    const revoked = await login();
    const control = await login();
    const io = { stdout: () => undefined, stderr: (s: string) => { throw new Error(s); } };
    expect(await runCli(['users', 'revoke', '--uid', revoked.uid], io, { config: { store: t.config.store } })).toBe(0);
    await expectStatusSoon(t, revoked.access_token, INVALID);
    await expectStatusSoon(t, revoked.id_token, INVALID);
    expect(await servedStatus(t, control.access_token)).toBe(VALID);
  });
});
