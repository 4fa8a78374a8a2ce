import request from 'supertest';
import { decodeJwt } from 'jose';
import { RevokedSriRepository, SessionRepository, UserSessionEntity } from '@app/store';
import { authorizePath, Browser, codeFlow, hiddenInputs, pkce, redirectParams, setCookies } from './support/browser';
import { introspect, seedClient, seedUser } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const RP1 = { client_id: 'rp1', client_secret: 'rp1-secret', redirect_uri: 'https://rp1.example/cb' };
const RP2 = { client_id: 'rp2', client_secret: 'rp2-secret', redirect_uri: 'https://rp2.example/cb' };
const SPA = { client_id: 'spa', redirect_uri: 'https://spa.example/cb', public: true };
const ALICE = { username: 'alice', password: 'alice-password' };

describe('Sign-in: authorization code flow with PKCE, single sign-on, session limits', () => {
  let t: TestApp;
  let aliceId: string;

  beforeAll(async () => {
    t = await startTestApp();
    for (const c of [RP1, RP2]) {
      await seedClient(t, { ...c, grant_types: ['authorization_code', 'refresh_token'], scopes: ['openid', 'profile'], redirect_uris: [c.redirect_uri] });
    }
    await seedClient(t, { client_id: 'spa', client_secret: 'unused-secret', token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], redirect_uris: [SPA.redirect_uri] });
    await seedClient(t, { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], redirect_uris: ['https://svc.example/cb'] });
    await seedClient(t, { client_id: 'pf', client_secret: 'pf-secret-123', session_revocation_api: true });
    aliceId = await seedUser(t, 'alice', 'alice-password');
  });
  afterAll(async () => { await t.close(); });

  const sessionOf = async (idToken: string): Promise<UserSessionEntity> => (await t.app.get(SessionRepository).findById(decodeJwt(idToken).sid as string))!;
  const rp1Authorize = (extra: Record<string, string> = {}) => authorizePath({
    response_type: 'code', client_id: 'rp1', redirect_uri: RP1.redirect_uri, scope: 'openid profile', state: 'st-1', code_challenge: pkce().challenge, code_challenge_method: 'S256', ...extra,
  });

  describe('the sign-in form', () => {
    it('is an accessible HTML form with a CSRF token, set in an HttpOnly SameSite=Lax cookie, served uncacheable with a strict CSP', async () => {
      const browser = new Browser(t);
      const res = await browser.get(rp1Authorize());
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.text).toMatch(/<html lang="en">/);
      expect(res.text).toMatch(/<label for="username">Username<\/label>\s*<input id="username" name="username" type="text" autocomplete="username"/);
      expect(res.text).toMatch(/<label for="password">Password<\/label>\s*<input id="password" name="password" type="password" autocomplete="current-password"/);
      expect(res.text).not.toMatch(/<(script|link|img)\b|https?:\/\/(?!rp1\.example)/);
      const csrfCookie = setCookies(res).find((c) => c.startsWith('rs_csrf='))!;
      expect(csrfCookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
      const fields = hiddenInputs(res.text);
      expect(fields.csrf).toBe(browser.cookies.get('rs_csrf'));
      expect(fields).toMatchObject({ response_type: 'code', client_id: 'rp1', redirect_uri: RP1.redirect_uri, state: 'st-1' });
    });

    it('refuses a wrong password with the form again and an announced error, without a session', async () => {
      const browser = new Browser(t);
      const form = await browser.get(rp1Authorize());
      const res = await browser.post('/authorize', { ...hiddenInputs(form.text), username: 'alice', password: 'wrong' });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/<p class="error" role="alert" id="sign-in-error">The username or password is incorrect.<\/p>/);
      expect(res.text).toMatch(/value="alice"/);
      expect(res.text).not.toMatch(/wrong/);
      expect(browser.cookies.has('rs_session')).toBe(false);
      const unknown = await browser.post('/authorize', { ...hiddenInputs(form.text), username: 'nobody', password: 'x' });
      expect(unknown.status).toBe(400);
    });

    it('refuses a post without the CSRF cookie or with another token (403), and signs nobody in', async () => {
      const browser = new Browser(t);
      const form = await browser.get(rp1Authorize());
      const fields = hiddenInputs(form.text);
      const forged = await browser.post('/authorize', { ...fields, csrf: 'A'.repeat(43), ...ALICE });
      expect(forged.status).toBe(403);
      expect(forged.text).toMatch(/This sign-in form has expired/);
      const noCookie = await request(t.server).post('/authorize').type('form').send({ ...fields, ...ALICE }).redirects(0);
      expect(noCookie.status).toBe(403);
      expect(setCookies(noCookie).some((c) => c.startsWith('rs_session='))).toBe(false);
    });
  });

  describe('code and tokens', () => {
    it('signs in, sets an HttpOnly SameSite=Lax session cookie, and redirects with code, state and iss; the code yields tokens whose ID token carries sid, pi.sri, auth_time and nonce', async () => {
      const browser = new Browser(t);
      const { verifier, challenge } = pkce();
      const form = await browser.get(rp1Authorize({ nonce: 'n-0S6_WzA2Mj', code_challenge: challenge }));
      const before = Math.floor(Date.now() / 1000);
      const done = await browser.post('/authorize', { ...hiddenInputs(form.text), ...ALICE });
      expect(done.status).toBe(303);
      const session = setCookies(done).find((c) => c.startsWith('rs_session='))!;
      expect(session).toMatch(/^rs_session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
      expect(session).not.toMatch(/Secure/);
      const location = new URL(done.headers.location as string);
      expect(`${location.origin}${location.pathname}`).toBe(RP1.redirect_uri);
      expect(location.searchParams.get('state')).toBe('st-1');
      expect(location.searchParams.get('iss')).toBe('http://localhost:8080');
      const code = location.searchParams.get('code')!;

      const res = await request(t.server).post('/token').auth(RP1.client_id, RP1.client_secret).type('form')
        .send({ grant_type: 'authorization_code', code, redirect_uri: RP1.redirect_uri, code_verifier: verifier }).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile' });
      expect(typeof res.body.refresh_token).toBe('string');
      const id = decodeJwt(res.body.id_token);
      expect(id).toMatchObject({ iss: 'http://localhost:8080', sub: aliceId, aud: 'rp1', nonce: 'n-0S6_WzA2Mj' });
      expect(typeof id.sid).toBe('string');
      expect(typeof id['pi.sri']).toBe('string');
      expect(id.auth_time).toBeGreaterThanOrEqual(before - 1);
      expect(decodeJwt(res.body.access_token)).toMatchObject({ sub: aliceId, client_id: 'rp1', sid: id.sid, 'pi.sri': id['pi.sri'] });
      // The cookie names the session the tokens are bound to.
      expect(browser.cookies.get('rs_session')!.split('.')[0]).toBe(id.sid);
      const stored = (await t.app.get(SessionRepository).findById(id.sid as string))!;
      expect(stored).toMatchObject({ userId: aliceId, clientIds: ['rp1'], authnSource: 'password', revokedAt: null });
      expect(stored.browserKeyHash).toMatch(/^[A-Za-z0-9_-]{43}$/);

      // RFC 6749 §4.1.2: a code works once; a second use revokes what the first returned.
      const again = await request(t.server).post('/token').auth(RP1.client_id, RP1.client_secret).type('form')
        .send({ grant_type: 'authorization_code', code, redirect_uri: RP1.redirect_uri, code_verifier: verifier });
      expect(again.status).toBe(400);
      expect(again.body.error).toBe('invalid_grant');
      expect((await introspect(t, RP1, res.body.access_token)).active).toBe(false);
      const refresh = await request(t.server).post('/token').auth(RP1.client_id, RP1.client_secret).type('form').send({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
      expect(refresh.body.error).toBe('invalid_grant');
    });

    it('checks the code against its client, redirect_uri and PKCE verifier (invalid_grant each time)', async () => {
      const cases: [string, (code: string, verifier: string) => request.Test][] = [
        ['another client', (code, verifier) => request(t.server).post('/token').auth(RP2.client_id, RP2.client_secret).type('form').send({ grant_type: 'authorization_code', code, redirect_uri: RP1.redirect_uri, code_verifier: verifier })],
        ['another redirect_uri', (code, verifier) => request(t.server).post('/token').auth(RP1.client_id, RP1.client_secret).type('form').send({ grant_type: 'authorization_code', code, redirect_uri: 'https://rp1.example/other', code_verifier: verifier })],
        ['a wrong verifier', (code) => request(t.server).post('/token').auth(RP1.client_id, RP1.client_secret).type('form').send({ grant_type: 'authorization_code', code, redirect_uri: RP1.redirect_uri, code_verifier: pkce().verifier })],
        ['no verifier', (code) => request(t.server).post('/token').auth(RP1.client_id, RP1.client_secret).type('form').send({ grant_type: 'authorization_code', code, redirect_uri: RP1.redirect_uri })],
      ];
      const browser = new Browser(t);
      for (const [what, exchange] of cases) {
        const { verifier, challenge } = pkce();
        const first = await browser.get(rp1Authorize({ code_challenge: challenge }));
        const done = first.status === 200 ? await browser.post('/authorize', { ...hiddenInputs(first.text), ...ALICE }) : first;
        const code = redirectParams(done).get('code')!;
        const res = await exchange(code, verifier);
        expect([what, res.status, res.body.error]).toEqual([what, 400, 'invalid_grant']);
      }
      const missing = await request(t.server).post('/token').auth(RP1.client_id, RP1.client_secret).type('form').send({ grant_type: 'authorization_code', redirect_uri: RP1.redirect_uri });
      expect(missing.body).toMatchObject({ error: 'invalid_request', error_description: 'The parameter code is required.' });
    });

    it('lets a public client (token_endpoint_auth_method none) exchange its code with client_id and PKCE only, and requires PKCE of it', async () => {
      const { tokens } = await codeFlow(t, new Browser(t), SPA, ALICE);
      expect(decodeJwt(tokens.id_token)).toMatchObject({ aud: 'spa', sub: aliceId });
      expect(tokens.refresh_token).toBeUndefined();

      const res = await new Browser(t).get(authorizePath({ response_type: 'code', client_id: 'spa', redirect_uri: SPA.redirect_uri, scope: 'openid', state: 's' }));
      expect(Object.fromEntries(redirectParams(res))).toEqual({
        error: 'invalid_request', error_description: 'A public client must send a PKCE code_challenge (S256).', state: 's', iss: 'http://localhost:8080',
      });
      // A confidential client still authenticates: client_id alone is not enough for it.
      const noSecret = await request(t.server).post('/token').type('form').send({ grant_type: 'authorization_code', client_id: 'rp1', code: 'x', redirect_uri: RP1.redirect_uri });
      expect(noSecret.status).toBe(401);
      expect(noSecret.body.error).toBe('invalid_client');
    });
  });

  describe('authorization request errors', () => {
    it('shows an error page, and redirects nowhere, for an unknown client or an unregistered redirect_uri', async () => {
      for (const params of [
        { response_type: 'code', client_id: 'nobody', redirect_uri: RP1.redirect_uri, scope: 'openid' },
        { response_type: 'code', client_id: 'rp1', redirect_uri: 'https://evil.example/cb', scope: 'openid' },
        { response_type: 'code', client_id: 'rp1', scope: 'openid' },
      ]) {
        const res = await request(t.server).get(authorizePath(params)).redirects(0);
        expect(res.status).toBe(400);
        expect(res.headers.location).toBeUndefined();
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toMatch(/role="alert"/);
      }
    });

    it('returns the other errors to the redirect_uri with the state', async () => {
      const base = { client_id: 'rp1', redirect_uri: RP1.redirect_uri, scope: 'openid', state: 'xyz' };
      const cases: [Record<string, string>, string][] = [
        [{ ...base, response_type: 'token' }, 'unsupported_response_type'],
        [{ ...base, response_type: 'code', scope: 'openid admin' }, 'invalid_scope'],
        [{ ...base, response_type: 'code', code_challenge: pkce().challenge, code_challenge_method: 'plain' }, 'invalid_request'],
        [{ ...base, response_type: 'code', prompt: 'none login' }, 'invalid_request'],
      ];
      for (const [params, error] of cases) {
        const p = redirectParams(await request(t.server).get(authorizePath(params)).redirects(0));
        expect([params, p.get('error'), p.get('state')]).toEqual([params, error, 'xyz']);
      }
      const svc = redirectParams(await request(t.server).get(authorizePath({ response_type: 'code', client_id: 'svc', redirect_uri: 'https://svc.example/cb', scope: 'openid' })).redirects(0));
      expect(svc.get('error')).toBe('unauthorized_client');
    });
  });

  describe('single sign-on', () => {
    it('gives a second client a code at once in the same session, which records both clients', async () => {
      const browser = new Browser(t);
      const first = await codeFlow(t, browser, RP1, ALICE);
      expect(first.signedIn).toBe(true);
      const second = await codeFlow(t, browser, RP2);
      expect(second.signedIn).toBe(false);
      const [a, b] = [decodeJwt(first.tokens.id_token), decodeJwt(second.tokens.id_token)];
      expect(b).toMatchObject({ aud: 'rp2', sub: aliceId, sid: a.sid, 'pi.sri': a['pi.sri'], auth_time: a.auth_time });
      expect((await sessionOf(second.tokens.id_token)).clientIds).toEqual(['rp1', 'rp2']);
      // prompt=none signs in silently too; prompt=login asks again.
      expect((await codeFlow(t, browser, RP2, undefined, { prompt: 'none' })).signedIn).toBe(false);
      expect((await codeFlow(t, browser, RP2, ALICE, { prompt: 'login' })).signedIn).toBe(true);
      expect((await browser.get(rp1Authorize({ max_age: '0' }))).status).toBe(200);
    });

    it('answers prompt=none without a session with login_required', async () => {
      const p = redirectParams(await request(t.server).get(rp1Authorize({ prompt: 'none' })).redirects(0));
      expect(p.get('error')).toBe('login_required');
      expect(p.get('state')).toBe('st-1');
    });

    it('refuses silent sign-in with a revoked session: login_required for prompt=none, the sign-in form otherwise, and the stale cookie is cleared', async () => {
      const browser = new Browser(t);
      const { tokens } = await codeFlow(t, browser, RP1, ALICE);
      const sri = decodeJwt(tokens.id_token)['pi.sri'] as string;
      await request(t.server).post('/pf-ws/rest/sessionMgmt/revokedSris').auth('pf', 'pf-secret-123').set('X-XSRF-HEADER', 'x').send({ id: sri }).expect(201);
      expect(await t.app.get(RevokedSriRepository).findListed(sri)).not.toBeNull();

      const silent = await browser.get(rp1Authorize({ prompt: 'none' }));
      expect(redirectParams(silent).get('error')).toBe('login_required');
      expect(browser.cookies.has('rs_session')).toBe(false);

      // The same cookie replayed after the revocation still gets the form, not a code.
      const replay = new Browser(t);
      const again = await codeFlow(t, replay, RP1, ALICE);
      const old = replay.cookies.get('rs_session')!;
      await request(t.server).post('/pf-ws/rest/sessionMgmt/revokedSris').auth('pf', 'pf-secret-123').set('X-XSRF-HEADER', 'x').send({ id: decodeJwt(again.tokens.id_token)['pi.sri'] }).expect(201);
      const res = await request(t.server).get(rp1Authorize()).set('Cookie', `rs_session=${old}`).redirects(0);
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/<h1>Sign in<\/h1>/);
      expect(setCookies(res)).toContain('rs_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    });

    it('ends a session after its idle timeout and after its maximum lifetime, however active; a code of the ended session is refused', async () => {
      for (const expire of [
        (s: UserSessionEntity) => ({ lastActivityAt: Date.now() - s.idleTimeout * 1000 - 1 }),
        (s: UserSessionEntity) => ({ createdAt: Date.now() - s.maxLifetime * 1000 - 1, lastActivityAt: Date.now() }),
      ]) {
        const browser = new Browser(t);
        const { tokens } = await codeFlow(t, browser, RP1, ALICE);
        const session = await sessionOf(tokens.id_token);
        const { verifier, challenge } = pkce();
        const code = redirectParams(await browser.get(rp1Authorize({ code_challenge: challenge }))).get('code')!;
        await t.dataSource.getRepository(UserSessionEntity).update({ id: session.id }, expire(session));
        expect(redirectParams(await browser.get(rp1Authorize({ prompt: 'none' }))).get('error')).toBe('login_required');
        expect((await browser.get(rp1Authorize())).status).toBe(200);
        const res = await request(t.server).post('/token').auth(RP1.client_id, RP1.client_secret).type('form')
          .send({ grant_type: 'authorization_code', code, redirect_uri: RP1.redirect_uri, code_verifier: verifier });
        expect(res.body).toMatchObject({ error: 'invalid_grant', error_description: 'The session this code was issued in has ended.' });
      }
    });

    it('does not let a cookie with the right session id but a wrong secret sign in', async () => {
      const browser = new Browser(t);
      const { tokens } = await codeFlow(t, browser, RP1, ALICE);
      const sid = decodeJwt(tokens.id_token).sid as string;
      const res = await request(t.server).get(rp1Authorize({ prompt: 'none' })).set('Cookie', `rs_session=${sid}.${'A'.repeat(43)}`).redirects(0);
      expect(redirectParams(res).get('error')).toBe('login_required');
    });
  });
});

describe('Sign-in under an https issuer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ http: { issuer: 'https://idp.example' } });
    await seedClient(t, { ...RP1, grant_types: ['authorization_code'], redirect_uris: [RP1.redirect_uri] });
    await seedUser(t, 'alice', 'alice-password');
  });
  afterAll(async () => { await t.close(); });

  it('sets Secure __Host- cookies', async () => {
    const browser = new Browser(t);
    const form = await browser.get(authorizePath({ response_type: 'code', client_id: 'rp1', redirect_uri: RP1.redirect_uri, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
    expect(setCookies(form).find((c) => c.startsWith('__Host-rs_csrf='))).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    const done = await browser.post('/authorize', { ...hiddenInputs(form.text), ...ALICE });
    expect(setCookies(done).find((c) => c.startsWith('__Host-rs_session='))).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=\d+$/);
    expect(redirectParams(done).get('iss')).toBe('https://idp.example');
  });
});
