import request from 'supertest';
import { decodeJwt } from 'jose';
import { introspect, seedClient, seedUser } from './support/fixtures';
import { listEntry, REVOKED_SRIS, SEED_AUTHORIZATION, SEED_CLIENT, SESSIONS, sessionRow, USERS } from './support/session-mgmt';
import { startTestApp, TestApp } from './support/test-app';

/** PingFederate 10.3+ Session Management API: by session (`sessions/{sri}`) and by user key (`users/{userKey}`). */
describe('Session Management API: /pf-ws/rest/sessionMgmt/sessions and /users', () => {
  let t: TestApp;
  const mgmt = { client_id: 'mgmt', client_secret: 'mgmt-secret', session_management_api: true };

  const get = (path: string) => request(t.server).get(path).auth(mgmt.client_id, mgmt.client_secret).set('X-XSRF-HEADER', 'PingFederate');
  const post = (path: string) => request(t.server).post(path).auth(mgmt.client_id, mgmt.client_secret).set('X-XSRF-HEADER', 'PingFederate');

  /** A password sign-in from a known browser, returning the session's SRI. */
  async function signIn(uid: string, userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0') {
    const res = await request(t.server).post('/token').auth(mgmt.client_id, mgmt.client_secret).set('User-Agent', userAgent).type('form')
      .send({ grant_type: 'password', username: uid, password: 'a-password', scope: 'openid' });
    expect(res.status).toBe(200);
    const session = decodeJwt(res.body.id_token as string);
    return { sri: session['pi.sri'] as string, accessToken: res.body.access_token as string };
  }

  beforeAll(async () => {
    // The user key attribute is configurable: mail here (PingFederate's example uses mail or userPrincipalName).
    t = await startTestApp({ sessions: { userKeyAttribute: 'mail' } });
    await seedClient(t, mgmt);
    await seedClient(t, SEED_CLIENT);
    await seedUser(t, 'breakfast', 'a-password', { mail: 'breakfast@example.com' });
    await seedUser(t, 'lunch', 'a-password', { mail: 'lunch@example.com' });
  });
  afterAll(async () => { await t.close(); });

  describe('sessions/{sri}', () => {
    it('describes a valid session: last activity, idle and maximum timeout, authentication source, client IP and user agent', async () => {
      const { sri } = await signIn('breakfast', 'curl/8.5.0');
      const row = (await sessionRow(t, sri))!;
      const res = await get(`${SESSIONS}/${encodeURIComponent(sri)}`);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        sri,
        authnSource: 'password',
        creationTime: new Date(row.createdAt).toISOString(),
        lastActivityTime: new Date(row.lastActivityAt).toISOString(),
        idleTimeoutMins: 30,
        maxTimeoutMins: 480,
        idleExpiryTime: new Date(row.lastActivityAt + 30 * 60_000).toISOString(),
        maxExpiryTime: new Date(row.createdAt + 480 * 60_000).toISOString(),
        contextData: { ipAddress: expect.stringMatching(/127\.0\.0\.1|::1/), userAgent: 'curl/8.5.0' },
      });
    });

    it('answers 404 in the {resultId,message} shape for an unknown SRI', async () => {
      const res = await get(`${SESSIONS}/no-such-session`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ resultId: 'session_mgmt_session_not_found', message: 'No valid session has this SRI.' });
    });

    it('POST …/revoke ends the session, lists its SRI and ends its tokens; answers 200 again when repeated, 404 for an unknown SRI', async () => {
      const { sri, accessToken } = await signIn('breakfast');
      const res = await post(`${SESSIONS}/${encodeURIComponent(sri)}/revoke`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'SESSION_REVOKED' });
      expect((await sessionRow(t, sri))!.revokedAt).not.toBeNull();
      expect(await listEntry(t, sri)).toMatchObject({ revokedBy: 'mgmt' });
      expect((await get(`${SESSIONS}/${encodeURIComponent(sri)}`)).status).toBe(404);
      expect(await introspect(t, mgmt, accessToken)).toEqual({ active: false });
      const listed = await request(t.server).get(`${REVOKED_SRIS}/${encodeURIComponent(sri)}`).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
      expect(listed.body).toEqual({ id: sri });
      expect((await post(`${SESSIONS}/${encodeURIComponent(sri)}/revoke`)).status).toBe(200);
      const unknown = await post(`${SESSIONS}/no-such-session/revoke`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.resultId).toBe('session_mgmt_session_not_found');
    });
  });

  describe('users/{userKey}', () => {
    it('reports HAS_VALID_SESSIONS, revokes every session of the user (URL-encoded key), then reports SESSION_REVOKED', async () => {
      const one = await signIn('lunch');
      const two = await signIn('lunch');
      const other = await signIn('breakfast');
      const key = encodeURIComponent('lunch@example.com');
      expect(key).toBe('lunch%40example.com');
      expect((await get(`${USERS}/${key}`)).body).toEqual({ status: 'HAS_VALID_SESSIONS' });

      const res = await post(`${USERS}/${key}/revoke`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'SESSION_REVOKED' });
      for (const s of [one, two]) {
        expect((await sessionRow(t, s.sri))!.revokedAt).not.toBeNull();
        expect(await listEntry(t, s.sri)).toMatchObject({ revokedBy: 'mgmt' });
        expect(await introspect(t, mgmt, s.accessToken)).toEqual({ active: false });
      }
      // Another user's session is untouched.
      expect((await sessionRow(t, other.sri))!.revokedAt).toBeNull();
      expect((await get(`${USERS}/${key}`)).body).toEqual({ status: 'SESSION_REVOKED' });
    });

    it('matches the configured attribute only, and answers NO_VALID_SESSIONS for an unknown key, also on revoke', async () => {
      expect((await get(`${USERS}/lunch`)).body).toEqual({ status: 'NO_VALID_SESSIONS' }); // a uid, not a mail
      expect((await get(`${USERS}/${encodeURIComponent('nobody@example.com')}`)).body).toEqual({ status: 'NO_VALID_SESSIONS' });
      const res = await post(`${USERS}/${encodeURIComponent('nobody@example.com')}/revoke`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'NO_VALID_SESSIONS' });
    });

    it('refuses a malformed user key with 400', async () => {
      const res = await get(`${USERS}/a%00b`);
      expect(res.status).toBe(400);
      expect(res.body.resultId).toBe('session_mgmt_invalid_user_key');
    });
  });

  describe('guards', () => {
    it('needs the X-XSRF-HEADER header (400) and "Allow Access to Session Management API" (403), in {resultId,message}', async () => {
      for (const path of [`${SESSIONS}/x`, `${USERS}/x`]) {
        const noXsrf = await request(t.server).get(path).auth(mgmt.client_id, mgmt.client_secret);
        expect(noXsrf.status).toBe(400);
        expect(noXsrf.body.resultId).toBe('session_mgmt_xsrf_header_missing');
        const denied = await request(t.server).get(path).set('Authorization', SEED_AUTHORIZATION).set('X-XSRF-HEADER', 'PingFederate');
        expect(denied.status).toBe(403);
        expect(denied.body).toEqual({ resultId: 'session_mgmt_access_denied', message: 'The client is not allowed to access the Session Management API.' });
      }
      for (const path of [`${SESSIONS}/x/revoke`, `${USERS}/x/revoke`]) {
        expect((await request(t.server).post(path).auth(mgmt.client_id, mgmt.client_secret)).status).toBe(400);
        const unauthenticated = await request(t.server).post(path).set('X-XSRF-HEADER', 'PingFederate');
        expect(unauthenticated.status).toBe(401);
        expect(unauthenticated.body.resultId).toBe('invalid_client');
      }
    });
  });
});
