import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { ProvisioningService } from '@app/admin';
import { SessionRepository } from '@app/store';
import { ClientFixture, introspect, passwordLogin, seedClient } from './support/fixtures';
import { parsePrometheus, sampleValue } from './support/prometheus';
import { startTestApp, TestApp } from './support/test-app';

// Requests as Okta's Universal Logout and Auth0 send them now (draft-parecki-oauth-global-token-revocation-06).
const ISSUER = 'http://localhost:8080';
const PATH = '/jans-auth/restv1/global-token-revocation';
const ENDPOINT = `${ISSUER}${PATH}`;
const OKTA = 'https://example.okta.com';
const AUTH0 = 'https://tenant.auth0.com/';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
interface AssertionChanges { typ?: string | null; iss?: string | null; sub?: string; aud?: string | string[]; iat?: number | null; nbf?: number; exp?: number; jti?: string }

describe('Global Token Revocation as callers send it now (draft -06, Okta, Auth0)', () => {
  let t: TestApp;
  let rp: ClientFixture;
  let gtrToken: string;
  let oktaKey: Key;
  let oktaJwk: JWK;
  let keyServer: Server;
  let keyOrigin: string;

  /** Okta's assertion: `changes` alters one rule (null leaves a claim or the typ out). */
  async function assertion(c: AssertionChanges = {}, clientId = 'okta-app'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { iss: OKTA, sub: clientId, aud: ENDPOINT, iat: now, exp: now + 300, jti: randomUUID() };
    for (const [name, value] of Object.entries(c)) if (name !== 'typ') claims[name] = value ?? undefined;
    const header = { alg: 'RS256', kid: 'okta-1', ...(c.typ !== null && { typ: c.typ ?? 'global-token-revocation+jwt' }) };
    return new SignJWT(claims).setProtectedHeader(header).sign(oktaKey);
  }

  const revoke = (body: unknown, bearer: string | null) => {
    const req = request(t.server).post(PATH).set('Content-Type', 'application/json');
    if (bearer) req.set('Authorization', `Bearer ${bearer}`);
    return req.send(JSON.stringify(body));
  };

  /** Provisions users through the import file, as an operator does, and signs each in once. */
  async function provision(users: { uid: string; attributes: Record<string, string> }[]) {
    const dir = mkdtempSync(join(tmpdir(), 'gtr06-import-'));
    try {
      const file = join(dir, 'import.json');
      writeFileSync(file, JSON.stringify({ users: users.map((u) => ({ ...u, password: 'a-password' })) }));
      await t.app.get(ProvisioningService).importFile(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const tokens: Record<string, string> = {};
    for (const u of users) {
      const login = await passwordLogin(t, rp, u.uid, 'a-password');
      expect(login.status).toBe(200);
      tokens[u.uid] = login.body.access_token;
    }
    return tokens;
  }

  const active = async (token: string) => (await introspect(t, rp, token)).active;
  const unmatched = async (format: string) => sampleValue(parsePrometheus((await request(t.server).get('/metrics').expect(200)).text), 'revocation_global_revocation_unmatched_total', { format });

  beforeAll(async () => {
    t = await startTestApp({ issSub: { attributes: { [OKTA]: 'okta_id', [AUTH0.replace(/\/$/, '')]: 'auth0_sub' } } });
    rp = await seedClient(t, { client_id: 'rp1', client_secret: 'rp1-secret', scopes: ['openid', 'profile'] });
    await seedClient(t, { client_id: 'auth0-gtr', client_secret: 'auth0-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
    await seedClient(t, { client_id: 'admin', client_secret: 'admin-secret', scopes: ['admin'], grant_types: ['client_credentials'] });
    gtrToken = (await request(t.server).post('/token').auth('auth0-gtr', 'auth0-secret').type('form').send({ grant_type: 'client_credentials', scope: 'global_token_revocation' })).body.access_token;
    const adminToken = (await request(t.server).post('/token').auth('admin', 'admin-secret').type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;

    const pair = await generateKeyPair('RS256', { extractable: true });
    oktaKey = pair.privateKey;
    oktaJwk = { ...(await exportJWK(pair.publicKey)), kid: 'okta-1', alg: 'RS256', use: 'sig' };
    // The IdP's key endpoint, on loopback: the origin stands for the IdP's issuer.
    keyServer = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [oktaJwk] })));
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    keyOrigin = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
    for (const c of [
      { client_id: 'okta-app', scopes: ['global_token_revocation'], jwks: { keys: [oktaJwk] } },
      { client_id: 'okta-by-uri', scopes: ['global_token_revocation'], jwks_uri: `${keyOrigin}/oauth2/v1/keys` },
      { client_id: 'okta-noscope', scopes: [], jwks: { keys: [oktaJwk] } },
    ]) {
      const res = await request(t.server).post('/admin/clients').auth(adminToken, { type: 'bearer' }).send({ ...c, token_endpoint_auth_method: 'private_key_jwt', grant_types: [] });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => keyServer.close(resolve));
  });

  describe('iss_sub mapped by ISS_SUB_ATTRIBUTES, users provisioned by the import file', () => {
    it('Okta: a signed assertion with the subject key revokes exactly the user whose okta_id is the sub', async () => {
      const tokens = await provision([
        { uid: 'okta-alice', attributes: { okta_id: '00u1alice', mail: 'alice@example.com' } },
        { uid: 'okta-bob', attributes: { okta_id: '00u1bob' } },
      ]);
      const res = await revoke({ subject: { format: 'iss_sub', iss: OKTA, sub: '00u1alice' } }, await assertion());
      expect(res.status).toBe(204);
      expect(await active(tokens['okta-alice'])).toBe(false);
      expect(await active(tokens['okta-bob'])).toBe(true);
      const [session] = await t.app.get(SessionRepository).listByUser((await introspectUserId(tokens['okta-bob']))!);
      expect(session.revokedAt).toBeNull();
    });

    it('Auth0: a bearer token, the subject key and an issuer with a trailing slash revoke the user whose auth0_sub is the sub', async () => {
      const tokens = await provision([
        { uid: 'auth0-carol', attributes: { auth0_sub: 'auth0|carol' } },
        { uid: 'auth0-dave', attributes: { auth0_sub: 'auth0|dave' } },
      ]);
      const res = await revoke({ subject: { format: 'iss_sub', iss: AUTH0, sub: 'auth0|carol' } }, gtrToken);
      expect(res.status).toBe(204);
      expect(await active(tokens['auth0-carol'])).toBe(false);
      expect(await active(tokens['auth0-dave'])).toBe(true);
    });

    it('counts and answers 204 for a subject that matches no user, by format', async () => {
      const before = (await unmatched('iss_sub')) ?? 0;
      const emailBefore = (await unmatched('email')) ?? 0;
      expect((await revoke({ subject: { format: 'iss_sub', iss: OKTA, sub: '00u-nobody' } }, await assertion())).status).toBe(204);
      expect((await revoke({ sub_id: { format: 'iss_sub', iss: AUTH0, sub: 'auth0|nobody' } }, gtrToken)).status).toBe(204);
      expect(await unmatched('iss_sub')).toBe(before + 2);
      expect(await unmatched('email')).toBe(emailBefore);
    });
  });

  async function introspectUserId(token: string): Promise<string | undefined> {
    return (await introspect(t, rp, token)).sub as string | undefined;
  }

  describe('the request key: sub_id or subject, exactly one', () => {
    it.each([
      ['both', { sub_id: { format: 'email', email: 'x@example.com' }, subject: { format: 'email', email: 'x@example.com' } }, /not both/],
      ['neither', { user: { format: 'email', email: 'x@example.com' } }, /sub_id member is required/],
      ['subject not an object', { subject: 'x@example.com' }, /subject must be a JSON object/],
    ])('refuses %s with 400 invalid_request in the endpoint\'s error body', async (_name, body, message) => {
      const res = await revoke(body, gtrToken);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.error_description).toMatch(message);
    });
  });

  describe('Okta\'s signed assertion, rule by rule', () => {
    const body = { subject: { format: 'email', email: 'nobody@example.com' } };

    it('accepts the assertion with typ global-token-revocation+jwt, and without typ', async () => {
      expect((await revoke(body, await assertion())).status).toBe(204);
      expect((await revoke(body, await assertion({ typ: null }))).status).toBe(204);
    });

    it('accepts iss as the origin of the keys of a client registered by jwks_uri', async () => {
      expect((await revoke(body, await assertion({ iss: keyOrigin }, 'okta-by-uri'))).status).toBe(204);
    });

    const now = () => Math.floor(Date.now() / 1000);
    it.each<[string, () => AssertionChanges, string]>([
      ['a typ of another kind', () => ({ typ: 'JWT' }), 'okta-app'],
      ['no iss', () => ({ iss: null }), 'okta-app'],
      ['an iss that is not a URL', () => ({ iss: 'example-okta' }), 'okta-app'],
      ['an iss other than the issuer whose jwks_uri holds the keys', () => ({ iss: OKTA }), 'okta-by-uri'],
      ['a sub that is no client (the client named in iss only)', () => ({ iss: 'okta-app', sub: 'someone' }), 'okta-app'],
      ['an aud of another URL', () => ({ aud: `${ISSUER}/revoke` }), 'okta-app'],
      ['an aud naming other recipients too', () => ({ aud: [ENDPOINT, 'https://other.example.com'] }), 'okta-app'],
      ['no iat', () => ({ iat: null }), 'okta-app'],
      ['an iat in the future', () => ({ iat: now() + 600 }), 'okta-app'],
      ['an exp more than 5 minutes ahead', () => ({ exp: now() + 420 }), 'okta-app'],
      ['an exp in the past', () => ({ exp: now() - 120 }), 'okta-app'],
      ['an nbf in the future', () => ({ nbf: now() + 600 }), 'okta-app'],
    ])('refuses %s with 401 invalid_token', async (_name, changes, clientId) => {
      const res = await revoke(body, await assertion(changes(), clientId));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('refuses a replayed jti with 401', async () => {
      const jwt = await assertion();
      expect((await revoke(body, jwt)).status).toBe(204);
      expect((await revoke(body, jwt)).status).toBe(401);
    });
  });

  describe('status codes of draft -06', () => {
    it('400 for an unsupported subject format', async () => {
      const res = await revoke({ subject: { format: 'did', url: 'did:example:123' } }, gtrToken);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('401 without credentials, 403 for a caller without the scope', async () => {
      expect((await revoke({ subject: { format: 'email', email: 'x@example.com' } }, null)).status).toBe(401);
      const res = await revoke({ subject: { format: 'email', email: 'x@example.com' } }, await assertion({}, 'okta-noscope'));
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
    });

    it('422 when the store refuses the logout; nothing is revoked', async () => {
      const tokens = await provision([{ uid: 'okta-erin', attributes: { okta_id: '00u1erin' } }]);
      const sessions = t.app.get(SessionRepository);
      const spy = jest.spyOn(sessions, 'revokeAllOfUser').mockRejectedValueOnce(new Error('disk I/O error'));
      try {
        const res = await revoke({ subject: { format: 'iss_sub', iss: OKTA, sub: '00u1erin' } }, await assertion());
        expect(res.status).toBe(422);
        expect(res.body.error).toBe('revocation_failed');
      } finally {
        spy.mockRestore();
      }
      expect(await active(tokens['okta-erin'])).toBe(true);
    });
  });
});

describe('Global Token Revocation draft -06: 404 for an unknown user when configured', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ globalRevocation: { unknownUserStatus: 404 }, issSub: { attributes: { [OKTA]: 'okta_id' } } });
    await seedClient(t, { client_id: 'gtr', client_secret: 'gtr-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
    token = (await request(t.server).post('/token').auth('gtr', 'gtr-secret').type('form').send({ grant_type: 'client_credentials', scope: 'global_token_revocation' })).body.access_token;
  });

  afterAll(() => t.close());

  it('answers 404 not_found for an iss_sub that no okta_id holds, and counts it', async () => {
    const res = await request(t.server).post(PATH).set('Content-Type', 'application/json').set('Authorization', `Bearer ${token}`)
      .send(JSON.stringify({ subject: { format: 'iss_sub', iss: OKTA, sub: '00u-unknown' } }));
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
    const metrics = parsePrometheus((await request(t.server).get('/metrics').expect(200)).text);
    expect(sampleValue(metrics, 'revocation_global_revocation_unmatched_total', { format: 'iss_sub' })).toBe(1);
  });
});
