import request from 'supertest';
import { createLocalJWKSet, decodeJwt, JSONWebKeySet, jwtVerify } from 'jose';
import { runCli } from '../apps/cli/src/cli';
import { SessionEndedEvent, SessionEvents } from '@app/sessions';
import { Browser, codeFlow } from './support/browser';
import { seedClient, seedUser, sessionWatermarksSettled } from './support/fixtures';
import { Received, Receiver } from './support/receiver';
import { startTestApp, TestApp } from './support/test-app';

const ISSUER = 'http://localhost:8080';
const BCL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const CAEP_EVENT = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const XSRF = { 'X-XSRF-HEADER': 'x' };

const RP1 = { client_id: 'rp1', client_secret: 'rp1-secret', redirect_uri: 'https://rp1.example/cb' };
const RP2 = { client_id: 'rp2', client_secret: 'rp2-secret', redirect_uri: 'https://rp2.example/cb' };
const RP3 = { client_id: 'rp3', client_secret: 'rp3-secret', redirect_uri: 'https://rp3.example/cb' };

interface SignedIn { uid: string; sub: string; sid: string; sri: string; idToken: string }

/**
 * OpenID Connect Back-Channel Logout 1.0 and CAEP session-revoked, end to end: a real receiver
 * on 127.0.0.1 gets a logout token per client of an ended session (rp1 and rp2 registered a
 * back-channel logout URI, rp2 a CAEP receiver too, rp3 nothing), whatever ended it. Every
 * token is verified against /jwks, claim by claim.
 */
describe('Session-ended notifications: back-channel logout and CAEP, for every way a session ends', () => {
  let t: TestApp;
  let receiver: Receiver;
  let jwks: ReturnType<typeof createLocalJWKSet>;
  let gtrToken: string;
  let adminToken: string;
  let users = 0;

  beforeAll(async () => {
    receiver = await Receiver.start();
    t = await startTestApp({ notifications: { pollIntervalMs: 100, retryBaseMs: 100, timeoutMs: 1500 } });
    // rp1 registers ES256 for its ID tokens, so its logout tokens are ES256 too; the others get RS256, the default.
    await seedClient(t, {
      ...RP1, grant_types: ['authorization_code'], redirect_uris: [RP1.redirect_uri], backchannel_logout_uri: receiver.url('/rp1/bcl'), id_token_signed_response_alg: 'ES256',
    });
    await seedClient(t, {
      ...RP2, grant_types: ['authorization_code'], redirect_uris: [RP2.redirect_uri],
      backchannel_logout_uri: receiver.url('/rp2/bcl'), caep_receiver_uri: receiver.url('/rp2/caep'),
    });
    await seedClient(t, { ...RP3, grant_types: ['authorization_code'], redirect_uris: [RP3.redirect_uri] });
    await seedClient(t, { client_id: 'pf', client_secret: 'pf-secret-123', session_revocation_api: true, session_management_api: true });
    await seedClient(t, { client_id: 'gtr', client_secret: 'gtr-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
    await seedClient(t, { client_id: 'ops', client_secret: 'ops-secret', scopes: ['admin'], grant_types: ['client_credentials'] });
    const token = async (id: string, secret: string, scope: string) =>
      (await request(t.server).post('/token').auth(id, secret).type('form').send({ grant_type: 'client_credentials', scope })).body.access_token as string;
    gtrToken = await token('gtr', 'gtr-secret', 'global_token_revocation');
    adminToken = await token('ops', 'ops-secret', 'admin');
    jwks = createLocalJWKSet((await request(t.server).get('/jwks').expect(200)).body as JSONWebKeySet);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  /** A new user signed in to rp1, then rp2 and rp3 by single sign-on: one session, three clients. */
  async function signedIn(): Promise<SignedIn> {
    const uid = `user${++users}`;
    const sub = await seedUser(t, uid, `${uid}-password`);
    const browser = new Browser(t);
    const { tokens } = await codeFlow(t, browser, RP1, { username: uid, password: `${uid}-password` });
    await codeFlow(t, browser, RP2);
    await codeFlow(t, browser, RP3);
    const id = decodeJwt(tokens.id_token);
    return { uid, sub, sid: id.sid as string, sri: id['pi.sri'] as string, idToken: tokens.id_token };
  }

  const logoutTokenOf = (r: Received) => new URLSearchParams(r.body).get('logout_token')!;
  const forSession = (sid: string) => (rs: Received[]) => rs.filter((r) => (r.path.endsWith('/caep') ? (decodeJwt(r.body).sub_id as { session?: { id: string } }).session?.id : decodeJwt(logoutTokenOf(r)).sid) === sid);

  /** A logout token, checked against /jwks and Back-Channel Logout 1.0 §2.4 claim by claim; returns its jti. */
  async function verifyLogoutToken(r: Received, aud: string, s: SignedIn): Promise<string> {
    expect(r.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect([...new URLSearchParams(r.body).keys()]).toEqual(['logout_token']);
    const token = logoutTokenOf(r);
    // Signed as the client's ID tokens (§2.6 validates a logout token as an ID token).
    const alg = aud === RP1.client_id ? 'ES256' : 'RS256';
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: ISSUER, audience: aud, typ: 'logout+jwt', algorithms: [alg] });
    expect(protectedHeader).toEqual({ alg, kid: expect.any(String), typ: 'logout+jwt' });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'events', 'exp', 'iat', 'iss', 'jti', 'sid', 'sub']);
    expect(payload).toMatchObject({ iss: ISSUER, aud, sub: s.sub, sid: s.sid, events: { [BCL_EVENT]: {} } });
    expect(Object.keys(payload.events as object)).toEqual([BCL_EVENT]);
    expect(payload).not.toHaveProperty('nonce');
    const now = Math.floor(Date.now() / 1000);
    expect(Math.abs(payload.iat! - now)).toBeLessThan(60);
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    return payload.jti!;
  }

  /** A CAEP session-revoked SET (RFC 8417) pushed per RFC 8935 to the client's caep_receiver_uri stream, checked against /jwks. */
  async function verifySet(r: Received, aud: string, s: SignedIn, initiatingEntity: string): Promise<void> {
    expect(r.contentType).toBe('application/secevent+jwt');
    // RS256, as the Shared Signals interoperability profile asks.
    const { payload, protectedHeader } = await jwtVerify(r.body, jwks, { issuer: ISSUER, audience: aud, typ: 'secevent+jwt', algorithms: ['RS256'] });
    expect(protectedHeader).toMatchObject({ typ: 'secevent+jwt', alg: 'RS256' });
    expect(payload).toMatchObject({ iss: ISSUER, aud, sub_id: { format: 'complex', user: { format: 'iss_sub', iss: ISSUER, sub: s.sub }, session: { format: 'opaque', id: s.sid } } });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'events', 'iat', 'iss', 'jti', 'sub_id', 'txn']);
    expect(Object.keys(payload.events as object)).toEqual([CAEP_EVENT]);
    const event = (payload.events as Record<string, Record<string, unknown>>)[CAEP_EVENT];
    expect(event).toEqual({ event_timestamp: expect.any(Number), initiating_entity: initiatingEntity, reason_admin: { en: expect.any(String) } });
    expect(Number.isInteger(event.event_timestamp)).toBe(true);
    expect(Math.abs((event.event_timestamp as number) - Date.now() / 1000)).toBeLessThan(60);
  }

  /** Waits for rp1's and rp2's logout tokens and rp2's SET for the session, verifies them, and checks rp3 heard nothing. */
  async function expectNotified(s: SignedIn, initiatingEntity: string): Promise<void> {
    const mine = forSession(s.sid);
    await receiver.waitFor((rs) => mine(rs).filter((r) => r.status === 200).length >= 3);
    const got = mine(receiver.received);
    expect(got.map((r) => r.path).sort()).toEqual(['/rp1/bcl', '/rp2/bcl', '/rp2/caep']);
    const jtis = [
      await verifyLogoutToken(got.find((r) => r.path === '/rp1/bcl')!, 'rp1', s),
      await verifyLogoutToken(got.find((r) => r.path === '/rp2/bcl')!, 'rp2', s),
    ];
    expect(new Set(jtis).size).toBe(2);
    await verifySet(got.find((r) => r.path === '/rp2/caep')!, 'rp2', s, initiatingEntity);
  }

  it('end session (RP-Initiated Logout): initiating_entity user', async () => {
    const s = await signedIn();
    await request(t.server).get(`/end_session?${new URLSearchParams({ id_token_hint: s.idToken })}`).expect(200);
    await expectNotified(s, 'user');
  });

  it('global token revocation: initiating_entity policy', async () => {
    const s = await signedIn();
    await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth(gtrToken, { type: 'bearer' })
      .send({ sub_id: { format: 'uid', id: s.uid } }).expect(204);
    await expectNotified(s, 'policy');
  });

  it('an SRI put on the session revocation list (Session Revocation API): initiating_entity system', async () => {
    const s = await signedIn();
    await request(t.server).post('/pf-ws/rest/sessionMgmt/revokedSris').auth('pf', 'pf-secret-123').set(XSRF).send({ id: s.sri }).expect(201);
    await expectNotified(s, 'system');
  });

  it('the Session Management API, by session: initiating_entity admin', async () => {
    const s = await signedIn();
    await request(t.server).post(`/pf-ws/rest/sessionMgmt/sessions/${encodeURIComponent(s.sri)}/revoke`).auth('pf', 'pf-secret-123').set(XSRF).expect(200);
    await expectNotified(s, 'admin');
  });

  it('the Session Management API, by user: initiating_entity admin', async () => {
    const s = await signedIn();
    await request(t.server).post(`/pf-ws/rest/sessionMgmt/users/${s.uid}/revoke`).auth('pf', 'pf-secret-123').set(XSRF).expect(200);
    await expectNotified(s, 'admin');
  });

  it('the admin API deleting the user: initiating_entity admin', async () => {
    const s = await signedIn();
    await request(t.server).delete(`/admin/users/${s.sub}`).auth(adminToken, { type: 'bearer' }).expect(204);
    await expectNotified(s, 'admin');
  });

  it('the admin CLI (users revoke), on the same store: the running server sends them; initiating_entity admin', async () => {
    const s = await signedIn();
    let out = '';
    const code = await runCli(['users', 'revoke', '--uid', s.uid], { stdout: (x) => { out += x; }, stderr: (x) => { out += x; } }, { config: t.config });
    expect([code, out]).toEqual([0, `Revoked every token of user ${s.sub} (uid "${s.uid}") and ended 1 live session.\n`]);
    await expectNotified(s, 'admin');
  });

  it('tells nothing twice: repeating a revocation of an ended session queues nothing new', async () => {
    const s = await signedIn();
    await request(t.server).post('/pf-ws/rest/sessionMgmt/revokedSris').auth('pf', 'pf-secret-123').set(XSRF).send({ id: s.sri }).expect(201);
    await expectNotified(s, 'system');
    await request(t.server).post('/pf-ws/rest/sessionMgmt/revokedSris').auth('pf', 'pf-secret-123').set(XSRF).send({ id: s.sri }).expect(201);
    await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth(gtrToken, { type: 'bearer' }).send({ sub_id: { format: 'uid', id: s.uid } }).expect(204);
    // The revocation's session rows and any notification are written in the background: wait for them.
    await sessionWatermarksSettled(t);
    await new Promise((r) => setTimeout(r, 600));
    expect(forSession(s.sid)(receiver.received)).toHaveLength(3);
  });

  it('publishes a typed session.ended event in-process after the commit', async () => {
    const s = await signedIn();
    const seen: SessionEndedEvent[] = [];
    const off = t.app.get(SessionEvents).on('session.ended', (e) => void seen.push(e));
    try {
      await request(t.server).post(`/pf-ws/rest/sessionMgmt/sessions/${encodeURIComponent(s.sri)}/revoke`).auth('pf', 'pf-secret-123').set(XSRF).expect(200);
    } finally {
      off();
    }
    expect(seen).toEqual([{
      sessions: [{ id: s.sid, sri: s.sri, userId: s.sub, clientIds: ['rp1', 'rp2', 'rp3'] }],
      reason: 'session_revocation_api', by: 'pf', at: expect.any(Number), initiatingEntity: 'admin', notifications: 3,
    }]);
  });

  it('never makes a revocation wait for a slow receiver, and retries one that does not answer in time', async () => {
    const s = await signedIn();
    let release!: () => void;
    const hung = new Promise<number>((resolve) => { release = () => resolve(200); });
    let rp1Calls = 0;
    // rp1's first delivery hangs past NOTIFICATION_TIMEOUT_MS (1.5 s); later ones are answered.
    receiver.answer = (r) => (r.path === '/rp1/bcl' && forSession(s.sid)([r]).length === 1 && rp1Calls++ === 0 ? hung : 200);
    try {
      const started = Date.now();
      await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth(gtrToken, { type: 'bearer' }).send({ sub_id: { format: 'uid', id: s.uid } }).expect(204);
      expect(Date.now() - started).toBeLessThan(1000);
      // rp2 is told meanwhile: while rp1's first delivery hangs, before the sender gives up on it.
      // (The deliveries run side by side, in no set order: rp1's may reach the receiver last.)
      const rp2Told = (rs: Received[]) => forSession(s.sid)(rs).filter((r) => r.path.startsWith('/rp2/') && r.status === 200);
      await receiver.waitFor((rs) => rp2Told(rs).length === 2 && forSession(s.sid)(rs).some((r) => r.path === '/rp1/bcl'));
      const [hungAttempt, ...others] = forSession(s.sid)(receiver.received).filter((r) => r.path === '/rp1/bcl');
      expect([hungAttempt.status, others]).toEqual([0, []]);
      for (const r of rp2Told(receiver.received)) expect(r.at - hungAttempt.at).toBeLessThan(1500);
      // The hung attempt timed out and a retry delivered the same logout (same jti).
      await receiver.waitFor((rs) => forSession(s.sid)(rs).some((r) => r.path === '/rp1/bcl' && r.status === 200), 10_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
      const rp1 = forSession(s.sid)(receiver.received).filter((r) => r.path === '/rp1/bcl');
      expect(rp1.map((r) => r.status)).toEqual([0, 200]); // the first one still hangs, unanswered
      expect(new Set(rp1.map((r) => decodeJwt(logoutTokenOf(r)).jti)).size).toBe(1);
    } finally {
      receiver.answer = () => 200;
      release();
    }
  });
});
