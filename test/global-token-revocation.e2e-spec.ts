import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { decodeJwt, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { In, IsNull, Not } from 'typeorm';
import { ProvisioningService } from '@app/admin';
import { newTokenId, tokenDigest, TokenSigner, TokenStatusService } from '@app/auth';
import { FeatureFlagService } from '@app/feature-flag';
import {
  IssuedTokenEntity, RevokedSriEntity, RevokedSriRepository, SessionRepository, Transactor, UsedJtiEntity, UserSessionEntity, WatermarkRepository,
} from '@app/store';
import { ClientFixture, introspect, passwordLogin, seedClient, seedUser, sessionWatermarksSettled } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const ISSUER = 'http://localhost:8080';
const PATH = '/jans-auth/restv1/global-token-revocation';
const ENDPOINT = `${ISSUER}${PATH}`;
const OKTA = 'https://example.okta.com';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** An Okta Universal Logout style assertion; `over` changes one thing about it. */
async function assertion(key: Key, kid: string, clientId: string, over: { aud?: string; exp?: number; iat?: number; typ?: string; jti?: string; iss?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: over.jti ?? randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid, typ: over.typ ?? 'global-token-revocation+jwt' })
    .setIssuer(over.iss ?? OKTA)
    .setSubject(clientId)
    .setAudience(over.aud ?? ENDPOINT)
    .setIssuedAt(over.iat ?? now)
    .setNotBefore(now - 300)
    .setExpirationTime(over.exp ?? now + 300)
    .sign(key);
}

describe('Global Token Revocation', () => {
  let t: TestApp;
  let rp: ClientFixture;
  let gtrToken: string;
  let adminToken: string;
  let oktaKey: Key;
  let oktaJwk: JWK;
  let strangerKey: Key;
  let jwksServer: Server;
  let jwksUri: string;

  const revoke = (body: unknown, bearer: string | null = gtrToken) => {
    const req = request(t.server).post(PATH).set('Content-Type', 'application/json');
    if (bearer) req.set('Authorization', `Bearer ${bearer}`);
    return req.send(typeof body === 'string' ? body : JSON.stringify(body));
  };

  /** A new user with one password session; returns its id and the tokens of that login. */
  async function userWithSession(uid: string, attributes: Record<string, string> = {}) {
    const id = await seedUser(t, uid, 'a-password', attributes);
    const login = await passwordLogin(t, rp, uid, 'a-password');
    expect(login.status).toBe(200);
    return { id, login: login.body as { access_token: string; refresh_token: string; id_token: string } };
  }

  const active = async (token: string) => (await introspect(t, rp, token)).active;

  beforeAll(async () => {
    t = await startTestApp();
    rp = await seedClient(t, { client_id: 'rp1', client_secret: 'rp1-secret', scopes: ['openid', 'profile', 'api'] });
    await seedClient(t, { client_id: 'gtr', client_secret: 'gtr-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
    await seedClient(t, { client_id: 'admin', client_secret: 'admin-secret', scopes: ['admin'], grant_types: ['client_credentials'] });
    gtrToken = (await request(t.server).post('/token').auth('gtr', 'gtr-secret').type('form').send({ grant_type: 'client_credentials', scope: 'global_token_revocation' })).body.access_token;
    adminToken = (await request(t.server).post('/token').auth('admin', 'admin-secret').type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
    expect(gtrToken).toBeDefined();
    expect(adminToken).toBeDefined();

    // Okta-style callers, registered through the admin API with their JWKS: inline, by URI, and one without the scope.
    const pair = await generateKeyPair('RS256', { extractable: true });
    oktaKey = pair.privateKey;
    oktaJwk = { ...(await exportJWK(pair.publicKey)), kid: 'okta-1', alg: 'RS256', use: 'sig' };
    ({ privateKey: strangerKey } = await generateKeyPair('RS256'));
    jwksServer = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [oktaJwk] })));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/keys`;
    for (const c of [
      { client_id: 'okta-inline', scopes: ['global_token_revocation'], jwks: { keys: [oktaJwk] } },
      { client_id: 'okta-remote', scopes: ['global_token_revocation'], jwks_uri: jwksUri },
      { client_id: 'okta-noscope', scopes: [], jwks: { keys: [oktaJwk] } },
    ]) {
      const res = await request(t.server).post('/admin/clients').auth(adminToken, { type: 'bearer' })
        .send({ ...c, token_endpoint_auth_method: 'private_key_jwt', grant_types: [] });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  describe('the seed\'s sample request', () => {
    it('revokes uid=breakfast: 204, then every earlier token is dead, the sessions and their SRIs revoked, and a new login works', async () => {
      const id = await seedUser(t, 'breakfast', 'a-password', { mail: 'breakfast@example.com' });
      const first = (await passwordLogin(t, rp, 'breakfast', 'a-password')).body;
      const second = (await passwordLogin(t, rp, 'breakfast', 'a-password')).body;
      const rotated = (await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'refresh_token', refresh_token: second.refresh_token })).body;
      for (const tok of [first.access_token, second.access_token, rotated.access_token, first.refresh_token, rotated.refresh_token]) expect(await active(tok)).toBe(true);

      // Verbatim from the seed (Janssen docs), with this server's token in place of the sample one.
      const res = await request(t.server)
        .post(PATH)
        .set('Host', 'example.com')
        .set('Content-Type', 'application/json')
        .set('Authorization', `Bearer ${gtrToken}`)
        .send('{\n  "sub_id": {\n    "format": "uid",\n    "id": "breakfast"\n  }\n}');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      for (const tok of [first.access_token, second.access_token, rotated.access_token, first.refresh_token, rotated.refresh_token]) {
        expect(await introspect(t, rp, tok)).toEqual({ active: false });
      }
      for (const rt of [first.refresh_token, rotated.refresh_token]) {
        const refresh = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'refresh_token', refresh_token: rt });
        expect(refresh.status).toBe(400);
        expect(refresh.body.error).toBe('invalid_grant');
      }

      // Ended with the answer; their rows and SRI listings are written just after.
      await sessionWatermarksSettled(t);
      const sessions = await t.app.get(SessionRepository).listByUser(id);
      expect(sessions).toHaveLength(2);
      const sris = [decodeJwt(first.access_token)['pi.sri'], decodeJwt(second.access_token)['pi.sri']];
      expect(sessions.map((s) => s.sri).sort()).toEqual([...sris].sort());
      for (const s of sessions) {
        expect(s.revokedAt).not.toBeNull();
        expect(s.revokedReason).toBe('global_token_revocation');
        expect(s.revokedBy).toBe('gtr');
        const listed = await t.app.get(RevokedSriRepository).findListed(s.sri);
        expect(listed).not.toBeNull();
        // SESSION_REVOCATION_LIFETIME (490 minutes by default).
        expect(listed!.expiresAt - listed!.createdAt).toBe(490 * 60_000);
      }
      expect(await t.app.get(WatermarkRepository).validAfter(id)).toBeGreaterThan(0);

      // The user logs in again and carries on.
      const again = await passwordLogin(t, rp, 'breakfast', 'a-password');
      expect(again.status).toBe(200);
      expect(await active(again.body.access_token)).toBe(true);
      const refreshed = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'refresh_token', refresh_token: again.body.refresh_token });
      expect(refreshed.status).toBe(200);
      expect(await active(refreshed.body.access_token)).toBe(true);
    });

    it('renews the entry of a session whose SRI was already listed', async () => {
      const u = await userWithSession('listed-before');
      const sri = decodeJwt(u.login.access_token)['pi.sri'] as string;
      const sris = t.app.get(RevokedSriRepository);
      await sris.add({ sri, createdAt: Date.now() - 60_000, revokedBy: 'someone' });
      expect((await revoke({ sub_id: { format: 'uid', id: 'listed-before' } })).status).toBe(204);
      await sessionWatermarksSettled(t);
      const entry = await sris.findListed(sri);
      expect(entry).toMatchObject({ revokedBy: 'gtr' });
      expect(entry!.expiresAt - entry!.createdAt).toBe(490 * 60_000);
      expect(entry!.createdAt).toBeGreaterThan(Date.now() - 10_000);
    });

    it('also ends a session that a concurrent login committed after the revocation\'s UPDATE ran', async () => {
      const id = await seedUser(t, 'racer', 'a-password');
      expect((await revoke({ sub_id: { format: 'uid', id: 'racer' } })).status).toBe(204);
      const watermark = await t.app.get(WatermarkRepository).validAfter(id);
      // The survivor of the race: opened before the watermark, committed unrevoked, its tokens issued a moment later.
      const now = Date.now();
      const session = t.app.get(SessionRepository).create({
        id: randomUUID(), sri: `racer-${randomUUID()}`, userId: id, clientIds: ['rp1'], authnSource: 'password', clientIp: null, userAgent: null,
        createdAt: watermark - 5, lastActivityAt: watermark - 5, idleTimeout: 3600, maxLifetime: 28800, revokedAt: null, revokedReason: null, revokedBy: null,
      });
      const tokenId = newTokenId(now + 1);
      await t.app.get(Transactor).run(async (em) => {
        await em.insert(UserSessionEntity, session);
        await em.insert(IssuedTokenEntity, {
          id: tokenId, type: 'access_token', clientId: 'rp1', userId: id, sessionId: session.id, scope: 'openid', familyId: null,
          issuedAt: now + 1, expiresAt: now + 3_600_000, consumedAt: null, revokedAt: null, revokedReason: null,
        });
      });
      expect(await t.app.get(TokenStatusService).check(tokenId)).toEqual({ active: false, reason: 'user_revoked' });
    });

    it('answers 204 again for the same request (idempotent)', async () => {
      await userWithSession('repeat');
      const body = { sub_id: { format: 'uid', id: 'repeat' } };
      expect((await revoke(body)).status).toBe(204);
      expect((await revoke(body)).status).toBe(204);
    });

    it('sends Cache-Control: no-store', async () => {
      const res = await revoke({ sub_id: { format: 'uid', id: 'nobody-at-all' } });
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('sub_id formats', () => {
    it('Janssen\'s form takes any user attribute name (mail)', async () => {
      const u = await userWithSession('jmail', { mail: 'jmail@example.com' });
      expect((await revoke({ sub_id: { format: 'mail', id: 'jmail@example.com' } })).status).toBe(204);
      expect(await active(u.login.access_token)).toBe(false);
    });

    it('RFC 9493 email matches the email or mail attribute, in any letter case', async () => {
      const a = await userWithSession('email-a', { email: 'alice@example.com' });
      const b = await userWithSession('email-b', { mail: 'bob@example.com' });
      expect((await revoke({ sub_id: { format: 'email', email: 'alice@example.com' } })).status).toBe(204);
      expect(await active(a.login.access_token)).toBe(false);
      expect(await active(b.login.access_token)).toBe(true);
      expect((await revoke({ sub_id: { format: 'email', email: 'Bob@Example.com' } })).status).toBe(204);
      expect(await active(b.login.access_token)).toBe(false);
    });

    it('RFC 9493 phone_number', async () => {
      const u = await userWithSession('phone', { phone_number: '+12065550100' });
      expect((await revoke({ sub_id: { format: 'phone_number', phone_number: '+12065550100' } })).status).toBe(204);
      expect(await active(u.login.access_token)).toBe(false);
    });

    it('Janssen\'s form also works with an RFC format name used as an attribute ({"format":"phone_number","id":…})', async () => {
      const u = await userWithSession('phone-j', { phone_number: '+12065550111' });
      expect((await revoke({ sub_id: { format: 'phone_number', id: '+12065550111' } })).status).toBe(204);
      expect(await active(u.login.access_token)).toBe(false);
    });

    it('RFC 9493 opaque is the subject id', async () => {
      const u = await userWithSession('opaque');
      expect(decodeJwt(u.login.access_token).sub).toBe(u.id);
      expect((await revoke({ sub_id: { format: 'opaque', id: u.id } })).status).toBe(204);
      expect(await active(u.login.access_token)).toBe(false);
    });

    it('RFC 9493 iss_sub: this server as issuer names the subject id; another issuer names the attribute holding its subject', async () => {
      const own = await userWithSession('isssub-own');
      expect((await revoke({ sub_id: { format: 'iss_sub', iss: ISSUER, sub: own.id } })).status).toBe(204);
      expect(await active(own.login.access_token)).toBe(false);
      const fed = await userWithSession('isssub-okta', { [OKTA]: '00u1a2b3c4d5e6f7g8h9' });
      expect((await revoke({ sub_id: { format: 'iss_sub', iss: OKTA, sub: '00u1a2b3c4d5e6f7g8h9' } })).status).toBe(204);
      expect(await active(fed.login.access_token)).toBe(false);
    });

    it('RFC 9493 account: acct:uid@this-host, or acct:user@other-host as an e-mail', async () => {
      const local = await userWithSession('acct-local');
      expect((await revoke({ sub_id: { format: 'account', uri: 'acct:acct-local@localhost:8080' } })).status).toBe(204);
      expect(await active(local.login.access_token)).toBe(false);
      const remote = await userWithSession('acct-remote', { mail: 'carol@example.org' });
      expect((await revoke({ sub_id: { format: 'account', uri: 'acct:carol@example.org' } })).status).toBe(204);
      expect(await active(remote.login.access_token)).toBe(false);
    });

    it('when several users match, only the first found (the oldest) is affected', async () => {
      const older = await userWithSession('twin-1', { mail: 'twins@example.com' });
      const newer = await userWithSession('twin-2', { mail: 'twins@example.com' });
      expect((await revoke({ sub_id: { format: 'mail', id: 'twins@example.com' } })).status).toBe(204);
      expect(await active(older.login.access_token)).toBe(false);
      expect(await active(newer.login.access_token)).toBe(true);
    });

    it('an unknown user answers 204 by default and changes nothing', async () => {
      const bystander = await userWithSession('bystander');
      const res = await revoke({ sub_id: { format: 'uid', id: 'no-such-user' } });
      expect(res.status).toBe(204);
      expect(await active(bystander.login.access_token)).toBe(true);
    });
  });

  describe('400 invalid_request', () => {
    it.each([
      ['malformed JSON', '{"sub_id": {"format": "uid", "id": "x"'],
      ['an empty body', ''],
      ['a JSON array', '[]'],
      ['a missing sub_id', '{}'],
      ['a sub_id that is not an object', '{"sub_id":"breakfast"}'],
      ['a missing format', '{"sub_id":{"id":"breakfast"}}'],
      ['an unknown format', '{"sub_id":{"format":"uri","uri":"https://example.com/u/1"}}'],
      ['a format that is no attribute name', '{"sub_id":{"format":"not an attribute","id":"x"}}'],
      ['a number id', '{"sub_id":{"format":"uid","id":42}}'],
      ['a number format', '{"sub_id":{"format":7,"id":"x"}}'],
      ['email without its member', '{"sub_id":{"format":"email"}}'],
      ['iss_sub without sub', '{"sub_id":{"format":"iss_sub","iss":"https://example.okta.com"}}'],
      ['iss_sub without sub but with id', '{"sub_id":{"format":"iss_sub","iss":"https://example.okta.com","id":"x"}}'],
      ['account that is no acct: URI', '{"sub_id":{"format":"account","uri":"mailto:a@b.c"}}'],
      ['account whose user part is not valid percent-encoding', '{"sub_id":{"format":"account","uri":"acct:b%E0b@example.com"}}'],
      ['an empty id', '{"sub_id":{"format":"uid","id":""}}'],
    ])('%s', async (_name, body) => {
      const res = await revoke(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(typeof res.body.error_description).toBe('string');
    });
  });

  describe('401: no or bad credentials', () => {
    const body = { sub_id: { format: 'uid', id: 'nobody' } };

    it('no Authorization header', async () => {
      const res = await revoke(body, null);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(/Bearer realm=.*Basic realm=/);
    });

    it('an unknown authentication scheme', async () => {
      const res = await request(t.server).post(PATH).set('Content-Type', 'application/json').set('Authorization', 'Digest abc').send(body);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBeDefined();
    });

    it('a bearer token that is not ours', async () => {
      const res = await revoke(body, 'not-a-token');
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('an expired access token', async () => {
      const iat = Math.floor(Date.now() / 1000) - 7200;
      const expired = await t.app.get(TokenSigner).sign(
        { iss: ISSUER, sub: 'gtr', aud: ISSUER, client_id: 'gtr', scope: 'global_token_revocation', jti: newTokenId(), iat, exp: iat + 60 },
        'at+jwt',
      );
      const res = await revoke(body, expired);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/invalid_token/);
    });

    it('a revoked access token', async () => {
      const tok = (await request(t.server).post('/token').auth('gtr', 'gtr-secret').type('form').send({ grant_type: 'client_credentials' })).body.access_token;
      expect((await revoke(body, tok)).status).toBe(204);
      await request(t.server).post('/revoke').auth('gtr', 'gtr-secret').type('form').send({ token: tok }).expect(200);
      const res = await revoke(body, tok);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
    });

    it('client_secret_basic with a wrong secret', async () => {
      const res = await request(t.server).post(PATH).auth('gtr', 'wrong').set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
    });
  });

  describe('403 insufficient_scope (the draft; Janssen answers 401)', () => {
    const body = { sub_id: { format: 'uid', id: 'nobody' } };

    it('an access token without global_token_revocation', async () => {
      const tok = (await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'client_credentials', scope: 'api' })).body.access_token;
      const res = await revoke(body, tok);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
      expect(res.headers['www-authenticate']).toMatch(/insufficient_scope/);
    });

    it('a Basic client not registered with the scope', async () => {
      const res = await request(t.server).post(PATH).auth('rp1', 'rp1-secret').set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
      expect(res.body.error_description).toMatch(/client is not registered with the scope/);
    });

    it('a signed assertion from a client not registered with the scope', async () => {
      const res = await revoke(body, await assertion(oktaKey, 'okta-1', 'okta-noscope'));
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
      expect(res.headers['www-authenticate']).toMatch(/insufficient_scope/);
    });
  });

  describe('client_secret_basic (as Janssen accepts)', () => {
    it('revokes for a client registered with the scope', async () => {
      const u = await userWithSession('basic-caller');
      const res = await request(t.server).post(PATH).auth('gtr', 'gtr-secret').set('Content-Type', 'application/json').send({ sub_id: { format: 'uid', id: 'basic-caller' } });
      expect(res.status).toBe(204);
      expect(await active(u.login.access_token)).toBe(false);
      const [session] = await t.app.get(SessionRepository).listByUser(u.id);
      expect(session.revokedBy).toBe('gtr');
    });
  });

  describe('signed JWT bearer (typ global-token-revocation+jwt, Okta Universal Logout)', () => {
    it('accepts a valid assertion signed with the inline JWKS, and records who called', async () => {
      const u = await userWithSession('jwt-inline', { email: 'jwt-inline@example.com' });
      const res = await revoke({ sub_id: { format: 'email', email: 'jwt-inline@example.com' } }, await assertion(oktaKey, 'okta-1', 'okta-inline'));
      expect(res.status).toBe(204);
      expect(await active(u.login.access_token)).toBe(false);
      const [session] = await t.app.get(SessionRepository).listByUser(u.id);
      expect(session.revokedBy).toBe('okta-inline');
    });

    it('accepts a valid assertion verified with keys fetched from jwks_uri', async () => {
      const u = await userWithSession('jwt-remote', { [OKTA]: '00uremote' });
      const res = await revoke({ sub_id: { format: 'iss_sub', iss: OKTA, sub: '00uremote' } }, await assertion(oktaKey, 'okta-1', 'okta-remote', { iss: new URL(jwksUri).origin }));
      expect(res.status).toBe(204);
      expect(await active(u.login.access_token)).toBe(false);
    });

    it('accepts a caller registered with its JWKS through the import file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gtr-import-'));
      try {
        const file = join(dir, 'import.json');
        writeFileSync(file, JSON.stringify({
          clients: [
            { client_id: 'okta-imported-inline', token_endpoint_auth_method: 'private_key_jwt', grant_types: [], scopes: ['global_token_revocation'], jwks: { keys: [oktaJwk] } },
            { client_id: 'okta-imported-uri', token_endpoint_auth_method: 'private_key_jwt', grant_types: [], scopes: ['global_token_revocation'], jwks_uri: jwksUri },
          ],
        }));
        await t.app.get(ProvisioningService).importFile(file);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      for (const clientId of ['okta-imported-inline', 'okta-imported-uri']) {
        const u = await userWithSession(`jwt-${clientId}`);
        const res = await revoke({ sub_id: { format: 'uid', id: `jwt-${clientId}` } }, await assertion(oktaKey, 'okta-1', clientId, clientId.endsWith('-uri') ? { iss: new URL(jwksUri).origin } : {}));
        expect(res.status).toBe(204);
        expect(await active(u.login.access_token)).toBe(false);
      }
    });

    it('refuses a replayed assertion (same jti) with 401', async () => {
      const jwt = await assertion(oktaKey, 'okta-1', 'okta-inline');
      const body = { sub_id: { format: 'uid', id: 'nobody' } };
      expect((await revoke(body, jwt)).status).toBe(204);
      const replay = await revoke(body, jwt);
      expect(replay.status).toBe(401);
      expect(replay.body.error_description).toMatch(/already used/);
      const stored = await t.dataSource.getRepository(UsedJtiEntity).countBy({ clientId: 'okta-inline', jti: decodeJwt(jwt).jti as string });
      expect(stored).toBe(1);
    });

    it.each([
      ['a wrong aud', { aud: 'https://elsewhere.example.com/global-token-revocation' }, /aud/],
      ['an expired exp', { exp: Math.floor(Date.now() / 1000) - 120, iat: Math.floor(Date.now() / 1000) - 420 }, /expired/],
      ['an exp too far ahead', { exp: Math.floor(Date.now() / 1000) + 3600 }, /exp/],
    ])('refuses %s with 401', async (_name, over, message) => {
      const u = await userWithSession(`jwt-bad-${randomUUID().slice(0, 8)}`);
      const res = await revoke({ sub_id: { format: 'opaque', id: u.id } }, await assertion(oktaKey, 'okta-1', 'okta-inline', over));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.body.error_description).toMatch(message);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await active(u.login.access_token)).toBe(true);
    });

    it('refuses a bad signature (a key the client did not register) with 401', async () => {
      const res = await revoke({ sub_id: { format: 'uid', id: 'nobody' } }, await assertion(strangerKey, 'okta-1', 'okta-inline'));
      expect(res.status).toBe(401);
      expect(res.body.error_description).toMatch(/signature/);
    });

    it('refuses a tampered assertion with 401', async () => {
      const [h, p, s] = (await assertion(oktaKey, 'okta-1', 'okta-inline')).split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'okta-remote' })).toString('base64url')}.${s}`;
      expect((await revoke({ sub_id: { format: 'uid', id: 'nobody' } }, forged)).status).toBe(401);
    });

    it('refuses an assertion naming a client without registered keys', async () => {
      const res = await revoke({ sub_id: { format: 'uid', id: 'nobody' } }, await assertion(oktaKey, 'okta-1', 'gtr'));
      expect(res.status).toBe(401);
    });
  });

  describe('415 unsupported_media_type', () => {
    it.each([
      ['text/plain', '{"sub_id":{"format":"uid","id":"x"}}'],
      ['application/x-www-form-urlencoded', 'sub_id=x'],
      ['application/xml', '<sub_id/>'],
    ])('%s', async (type, body) => {
      const res = await request(t.server).post(PATH).set('Authorization', `Bearer ${gtrToken}`).set('Content-Type', type).send(body);
      expect(res.status).toBe(415);
      expect(res.body.error).toBe('unsupported_media_type');
    });

    it('is checked before authentication', async () => {
      const res = await request(t.server).post(PATH).set('Content-Type', 'text/plain').send('hello');
      expect(res.status).toBe(415);
    });
  });

  describe('422: a revocation that cannot complete changes nothing', () => {
    it('rolls back the watermark and the SRI listing when the session update fails, then succeeds on retry', async () => {
      const u = await userWithSession('unlucky');
      const sri = decodeJwt(u.login.access_token)['pi.sri'] as string;
      const sessions = t.app.get(SessionRepository);
      const spy = jest.spyOn(sessions, 'revokeAllOfUser').mockRejectedValueOnce(new Error('disk I/O error'));
      try {
        const res = await revoke({ sub_id: { format: 'uid', id: 'unlucky' } });
        expect(res.status).toBe(422);
        expect(res.body.error).toBe('revocation_failed');
        expect(JSON.stringify(res.body)).not.toMatch(/disk/);
      } finally {
        spy.mockRestore();
      }
      expect(await t.app.get(WatermarkRepository).validAfter(u.id)).toBe(0);
      expect(await t.app.get(RevokedSriRepository).findListed(sri)).toBeNull();
      expect((await sessions.listByUser(u.id))[0].revokedAt).toBeNull();
      expect(await active(u.login.access_token)).toBe(true);

      expect((await revoke({ sub_id: { format: 'uid', id: 'unlucky' } })).status).toBe(204);
      expect(await active(u.login.access_token)).toBe(false);
      await sessionWatermarksSettled(t);
      expect(await t.app.get(RevokedSriRepository).findListed(sri)).not.toBeNull();
    });
  });

  describe('discovery and the GLOBAL_TOKEN_REVOCATION flag', () => {
    const DISCOVERY = ['/.well-known/openid-configuration', '/jans-auth/.well-known/openid-configuration'];

    it('publishes the endpoint and its authentication methods', async () => {
      for (const path of DISCOVERY) {
        const res = await request(t.server).get(path).expect(200);
        expect(res.body.global_token_revocation_endpoint).toBe(ENDPOINT);
        expect(res.body.global_token_revocation_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'bearer', 'global-token-revocation+jwt']);
      }
    });

    it('flag off: 403 access_denied before anything else, and both entries leave discovery; flag on again: back', async () => {
      const flags = t.app.get(FeatureFlagService);
      await flags.set('GLOBAL_TOKEN_REVOCATION', false);
      try {
        const u = await userWithSession('flagged');
        for (const res of [
          await revoke({ sub_id: { format: 'uid', id: 'flagged' } }),
          await revoke({ sub_id: { format: 'uid', id: 'flagged' } }, null),
        ]) {
          expect(res.status).toBe(403);
          expect(res.body).toEqual({ error: 'access_denied', error_description: 'Feature flag is disabled on server.', feature_flag: 'GLOBAL_TOKEN_REVOCATION' });
        }
        expect(await active(u.login.access_token)).toBe(true);
        for (const path of DISCOVERY) {
          const doc = (await request(t.server).get(path).expect(200)).body;
          expect(doc).not.toHaveProperty('global_token_revocation_endpoint');
          expect(doc).not.toHaveProperty('global_token_revocation_endpoint_auth_methods_supported');
        }
      } finally {
        await flags.set('GLOBAL_TOKEN_REVOCATION', true);
      }
      expect((await request(t.server).get(DISCOVERY[0])).body.global_token_revocation_endpoint).toBe(ENDPOINT);
      expect((await revoke({ sub_id: { format: 'uid', id: 'flagged' } })).status).toBe(204);
    });
  });

  describe('OpenAPI', () => {
    it('documents the endpoint: its three auth schemes, every sub_id format, every response', async () => {
      const doc = (await request(t.server).get('/docs-json').expect(200)).body;
      const op = doc.paths[PATH].post;
      expect(op.security).toEqual(expect.arrayContaining([{ bearer: [] }, { basic: [] }, { 'global-token-revocation-jwt': [] }]));
      expect(doc.components.securitySchemes['global-token-revocation-jwt']).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'global-token-revocation+jwt' });
      expect(Object.keys(op.responses).sort()).toEqual(['204', '400', '401', '403', '404', '415', '422', '503']);
      const body = doc.components.schemas[op.requestBody.content['application/json'].schema.$ref.split('/').pop()];
      const formats = body.properties.sub_id.oneOf.map((r: { $ref: string }) => doc.components.schemas[r.$ref.split('/').pop()!]);
      expect(formats.map((f: { properties: Record<string, { enum?: string[] }> }) => f.properties.format.enum?.[0] ?? 'attribute name').sort())
        .toEqual(['account', 'attribute name', 'email', 'iss_sub', 'opaque', 'phone_number']);
    });
  });

  describe('a user holding thousands of tokens', () => {
    const TOKENS = 6000;
    const SESSIONS = 300;

    it('is revoked in one call, without touching each token, and every token and session is dead', async () => {
      const id = await seedUser(t, 'hoarder', 'a-password');
      const now = Date.now();
      const tx = t.app.get(Transactor);
      const sessionRows: Partial<UserSessionEntity>[] = Array.from({ length: SESSIONS }, (_, i) => ({
        id: `hoard-s-${i}`, sri: `hoard-sri-${i}`, userId: id, clientIds: ['rp1'], authnSource: 'password', clientIp: null, userAgent: null,
        createdAt: now - 1000, lastActivityAt: now - 1000, idleTimeout: 3600, maxLifetime: 28800, revokedAt: null, revokedReason: null, revokedBy: null,
      }));
      const rawRefresh = Array.from({ length: 5 }, (_, i) => `hoard-refresh-${i}-${randomUUID()}`);
      const tokenRows: Partial<IssuedTokenEntity>[] = Array.from({ length: TOKENS }, (_, i) => {
        const refresh = i % 2 === 1;
        return {
          id: refresh && i < 10 ? tokenDigest(rawRefresh[(i - 1) / 2]) : newTokenId(now - 1000 + (i % 500)),
          type: refresh ? 'refresh_token' : 'access_token', clientId: 'rp1', userId: id, sessionId: `hoard-s-${i % SESSIONS}`,
          scope: 'openid', familyId: `hoard-f-${i}`, issuedAt: now - 1000 + (i % 500), expiresAt: now + 3_600_000, consumedAt: null, revokedAt: null, revokedReason: null,
        };
      });
      await tx.run(async (em) => {
        for (let i = 0; i < sessionRows.length; i += 100) await em.insert(UserSessionEntity, sessionRows.slice(i, i + 100));
        for (let i = 0; i < tokenRows.length; i += 500) await em.insert(IssuedTokenEntity, tokenRows.slice(i, i + 500));
      });
      const status = t.app.get(TokenStatusService);
      const sample = [tokenRows[0], tokenRows[2], tokenRows[TOKENS - 2], tokenRows[1]].map((r) => r.id!);
      for (const tokenId of sample) expect((await status.check(tokenId)).active).toBe(true);
      expect(await active(rawRefresh[0])).toBe(true);

      const started = Date.now();
      const res = await revoke({ sub_id: { format: 'uid', id: 'hoarder' } });
      const took = Date.now() - started;
      expect(res.status).toBe(204);
      expect(took).toBeLessThan(5000);

      for (const tokenId of sample) expect(await status.check(tokenId)).toEqual({ active: false, reason: 'user_revoked' });
      expect(await active(rawRefresh[0])).toBe(false);
      const refresh = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'refresh_token', refresh_token: rawRefresh[1] });
      expect(refresh.body.error).toBe('invalid_grant');
      // Constant in the number of tokens: the watermark did the work, no token row was written.
      expect(await t.dataSource.getRepository(IssuedTokenEntity).countBy({ userId: id, revokedAt: Not(IsNull()) })).toBe(0);
      expect(await t.dataSource.getRepository(UserSessionEntity).countBy({ userId: id, revokedAt: IsNull() })).toBe(0);
      expect(await t.dataSource.getRepository(RevokedSriEntity).countBy({ sri: In(sessionRows.map((s) => s.sri!)) })).toBe(SESSIONS);
    });
  });
});

describe('Global Token Revocation, configured like the IETF draft', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ globalRevocation: { pathPrefix: '', unknownUserStatus: 404 } });
    await seedClient(t, { client_id: 'gtr', client_secret: 'gtr-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
    token = (await request(t.server).post('/token').auth('gtr', 'gtr-secret').type('form').send({ grant_type: 'client_credentials' })).body.access_token;
  });
  afterAll(async () => { await t.close(); });

  it('serves the endpoint under the configured prefix and publishes that URL', async () => {
    await seedUser(t, 'someone', 'a-password');
    const res = await request(t.server).post('/global-token-revocation').auth(token, { type: 'bearer' }).send({ sub_id: { format: 'uid', id: 'someone' } });
    expect(res.status).toBe(204);
    const old = await request(t.server).post(PATH).auth(token, { type: 'bearer' }).send({ sub_id: { format: 'uid', id: 'someone' } });
    expect(old.status).toBe(404);
    const doc = (await request(t.server).get('/.well-known/openid-configuration').expect(200)).body;
    expect(doc.global_token_revocation_endpoint).toBe(`${ISSUER}/global-token-revocation`);
  });

  it('answers 404 for an unknown user when so configured', async () => {
    const res = await request(t.server).post('/global-token-revocation').auth(token, { type: 'bearer' }).send({ sub_id: { format: 'email', email: 'ghost@example.com' } });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});
