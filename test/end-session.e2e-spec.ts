import request from 'supertest';
import { decodeJwt } from 'jose';
import { TokenSigner } from '@app/auth';
import { ConfigOverrides } from '@app/common';
import { RevokedSriRepository, SessionRepository } from '@app/store';
import { authorizePath, Browser, codeFlow, hiddenInputs, pkce, redirectParams, setCookies } from './support/browser';
import { introspect, seedClient, seedUser } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const RP1 = { client_id: 'rp1', client_secret: 'rp1-secret', redirect_uri: 'https://rp1.example/cb' };
const RP2 = { client_id: 'rp2', client_secret: 'rp2-secret', redirect_uri: 'https://rp2.example/cb' };
const BYE = 'https://rp1.example/bye';
const ALICE = { username: 'alice', password: 'alice-password' };

async function setup(config: ConfigOverrides = {}): Promise<TestApp> {
  const t = await startTestApp(config);
  for (const c of [RP1, RP2]) {
    await seedClient(t, {
      ...c, grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [c.redirect_uri],
      post_logout_redirect_uris: c === RP1 ? [BYE, 'https://rp1.example/bye?lang=en'] : [],
    });
  }
  await seedUser(t, 'alice', 'alice-password');
  return t;
}

/** A browser signed in to rp1 then rp2 (single sign-on): one session with both clients. */
async function signedIn(t: TestApp) {
  const browser = new Browser(t);
  const rp1 = (await codeFlow(t, browser, RP1, ALICE)).tokens;
  const rp2 = (await codeFlow(t, browser, RP2)).tokens;
  const id = decodeJwt(rp1.id_token);
  return { browser, rp1, rp2, sid: id.sid as string, sri: id['pi.sri'] as string };
}

describe('End session (OpenID Connect RP-Initiated Logout 1.0)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await setup(); });
  afterAll(async () => { await t.close(); });

  const session = (sid: string) => t.app.get(SessionRepository).findById(sid);
  const active = async (token: string) => (await introspect(t, RP1, token)).active;

  it('with id_token_hint and a registered post_logout_redirect_uri: ends the session and its tokens, lists its SRI, clears the cookie, redirects with the state', async () => {
    const s = await signedIn(t);
    const res = await s.browser.get(`/end_session?${new URLSearchParams({ id_token_hint: s.rp1.id_token, post_logout_redirect_uri: BYE, state: 'bye-1' })}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${BYE}?state=bye-1`);
    expect(setCookies(res)).toContain('rs_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    expect(await session(s.sid)).toMatchObject({ revokedReason: 'end_session', revokedBy: 'rp1' });
    // Every token of the session, whichever client holds it.
    for (const token of [s.rp1.access_token, s.rp2.access_token]) expect(await active(token)).toBe(false);
    const refresh = await request(t.server).post('/token').auth(RP2.client_id, RP2.client_secret).type('form').send({ grant_type: 'refresh_token', refresh_token: s.rp2.refresh_token });
    expect(refresh.body.error).toBe('invalid_grant');
    // PingFederate's revokeUserSessionOnLogout, on by default.
    expect(await t.app.get(RevokedSriRepository).findListed(s.sri)).not.toBeNull();
    // The browser is signed out: no silent sign-in any more.
    const silent = await s.browser.get(authorizePath({ response_type: 'code', client_id: 'rp1', redirect_uri: RP1.redirect_uri, scope: 'openid', prompt: 'none', code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
    expect(redirectParams(silent).get('error')).toBe('login_required');
  });

  it('keeps the query of a registered post_logout_redirect_uri and adds the state to it', async () => {
    const s = await signedIn(t);
    const res = await request(t.server).get(`/end_session?${new URLSearchParams({ id_token_hint: s.rp1.id_token, post_logout_redirect_uri: 'https://rp1.example/bye?lang=en', state: 's t' })}`).redirects(0);
    expect(res.headers.location).toBe('https://rp1.example/bye?lang=en&state=s+t');
    // No cookie came with the request: the hint's sid named the session.
    expect((await session(s.sid))!.revokedReason).toBe('end_session');
  });

  it('refuses an unregistered post_logout_redirect_uri: an error page, no redirect, and the session lives on', async () => {
    const s = await signedIn(t);
    for (const uri of ['https://evil.example/bye', 'https://rp1.example/bye/', 'https://rp2.example/cb']) {
      const res = await s.browser.get(`/end_session?${new URLSearchParams({ id_token_hint: s.rp1.id_token, post_logout_redirect_uri: uri, state: 'x' })}`);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toMatch(/The post_logout_redirect_uri is not registered for this application\./);
    }
    // Without a client to check it against, a redirect is refused too.
    const anonymous = await s.browser.get(`/end_session?${new URLSearchParams({ post_logout_redirect_uri: BYE })}`);
    expect(anonymous.status).toBe(400);
    expect((await session(s.sid))!.revokedAt).toBeNull();
    expect(await active(s.rp1.access_token)).toBe(true);
    expect(s.browser.cookies.has('rs_session')).toBe(true);
  });

  it('without id_token_hint asks the user first; the confirmation needs the form\'s CSRF token', async () => {
    const s = await signedIn(t);
    const ask = await s.browser.get('/end_session?client_id=rp1');
    expect(ask.status).toBe(200);
    expect(ask.text).toMatch(/<h1>Sign out\?<\/h1>/);
    expect((await session(s.sid))!.revokedAt).toBeNull();
    const fields = hiddenInputs(ask.text);
    expect(fields).toMatchObject({ client_id: 'rp1' });

    const forged = await s.browser.post('/end_session', { ...fields, csrf: 'A'.repeat(43), confirm: 'yes' });
    expect(forged.status).toBe(403);
    expect((await session(s.sid))!.revokedAt).toBeNull();

    const done = await s.browser.post('/end_session', { ...fields, confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(done.text).toMatch(/You are signed out/);
    expect((await session(s.sid))!.revokedReason).toBe('end_session');
    expect(s.browser.cookies.has('rs_session')).toBe(false);
  });

  it('accepts an RP\'s form POST with id_token_hint, and an expired hint (it only names the session)', async () => {
    const s = await signedIn(t);
    const res = await s.browser.post('/end_session', { id_token_hint: s.rp2.id_token, post_logout_redirect_uri: BYE, client_id: 'rp1' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/The client_id is not the audience of the id_token_hint/);

    const posted = await s.browser.post('/end_session', { id_token_hint: s.rp2.id_token });
    expect(posted.status).toBe(200);
    expect((await session(s.sid))!.revokedReason).toBe('end_session');

    const other = await signedIn(t);
    const claims = decodeJwt(other.rp1.id_token);
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await t.app.get(TokenSigner).sign({ ...claims, iat: past, exp: past + 60 }, 'JWT');
    const res2 = await request(t.server).get(`/end_session?${new URLSearchParams({ id_token_hint: expired, post_logout_redirect_uri: BYE })}`).redirects(0);
    expect(res2.status).toBe(303);
    expect((await session(other.sid))!.revokedReason).toBe('end_session');
  });

  it('refuses a hint this server did not sign, or a token that is not an ID token', async () => {
    const s = await signedIn(t);
    const [h, p] = s.rp1.id_token.split('.');
    for (const hint of [`${h}.${p}.${'A'.repeat(86)}`, s.rp1.access_token, 'not-a-jwt']) {
      const res = await request(t.server).get(`/end_session?${new URLSearchParams({ id_token_hint: hint })}`).redirects(0);
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/not an ID token issued by this server/);
    }
    expect((await session(s.sid))!.revokedAt).toBeNull();
  });

  it('signs out a browser without a session quietly, and is idempotent', async () => {
    const s = await signedIn(t);
    const url = `/end_session?${new URLSearchParams({ id_token_hint: s.rp1.id_token, post_logout_redirect_uri: BYE })}`;
    expect((await request(t.server).get(url).redirects(0)).status).toBe(303);
    const again = await request(t.server).get(url).redirects(0);
    expect(again.status).toBe(303);
    const nobody = await request(t.server).get('/end_session').redirects(0);
    expect(nobody.status).toBe(200);
    expect(nobody.text).toMatch(/You are signed out/);
  });

  it('is behind the END_SESSION feature flag, as is its discovery entry', async () => {
    const admin = await seedClient(t, { client_id: 'ops', client_secret: 'ops-secret', scopes: ['admin'], grant_types: ['client_credentials'] });
    const token = (await request(t.server).post('/token').auth(admin.client_id, admin.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
    const doc = async () => (await request(t.server).get('/.well-known/openid-configuration').expect(200)).body;
    expect(await doc()).toMatchObject({
      end_session_endpoint: 'http://localhost:8080/end_session', authorization_endpoint: 'http://localhost:8080/authorize',
      backchannel_logout_supported: true, backchannel_logout_session_supported: true, code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'], grant_types_supported: expect.arrayContaining(['authorization_code']),
    });
    await request(t.server).put('/admin/feature-flags/END_SESSION').auth(token, { type: 'bearer' }).send({ enabled: false }).expect(200);
    try {
      const res = await request(t.server).get('/end_session');
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: 'access_denied', error_description: 'Feature flag is disabled on server.', feature_flag: 'END_SESSION' });
      expect(await doc()).not.toHaveProperty('end_session_endpoint');
      expect((await doc()).authorization_endpoint).toBe('http://localhost:8080/authorize');
    } finally {
      await request(t.server).put('/admin/feature-flags/END_SESSION').auth(token, { type: 'bearer' }).send({ enabled: true }).expect(200);
    }
  });
});

describe('End session with END_SESSION_REVOKE_USER_SESSION=false', () => {
  let t: TestApp;
  beforeAll(async () => { t = await setup({ sessions: { endSessionRevokeUserSession: false } }); });
  afterAll(async () => { await t.close(); });

  it('ends the session and its tokens but leaves its SRI off the revocation list', async () => {
    const s = await signedIn(t);
    await request(t.server).get(`/end_session?${new URLSearchParams({ id_token_hint: s.rp1.id_token })}`).expect(200);
    expect((await t.app.get(SessionRepository).findById(s.sid))!.revokedReason).toBe('end_session');
    expect((await introspect(t, RP1, s.rp1.access_token)).active).toBe(false);
    expect(await t.app.get(RevokedSriRepository).findListed(s.sri)).toBeNull();
  });
});
