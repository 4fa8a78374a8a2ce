import request from 'supertest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { IssuedTokenEntity } from '@app/store';
import { introspect, passwordLogin, seedClient, seedUser, ClientFixture } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

describe('OAuth token service', () => {
  let t: TestApp;
  let rp: ClientFixture;
  let other: ClientFixture;
  let userId: string;

  beforeAll(async () => {
    t = await startTestApp();
    rp = await seedClient(t, { client_id: 'rp1', client_secret: 'rp1-secret', scopes: ['openid', 'profile', 'api'] });
    other = await seedClient(t, { client_id: 'rp2', client_secret: 'rp2-secret', token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
    userId = await seedUser(t, 'breakfast', 'a-password', { mail: 'breakfast@example.com' });
  });
  afterAll(async () => { await t.close(); });

  describe('client authentication', () => {
    it('refuses a missing, unknown or wrong client with 401 invalid_client and WWW-Authenticate', async () => {
      for (const auth of [undefined, ['nobody', 'x'], ['rp1', 'wrong']] as const) {
        const req = request(t.server).post('/token').type('form').send({ grant_type: 'client_credentials' });
        if (auth) req.auth(auth[0], auth[1]);
        const res = await req;
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
        expect(res.headers['www-authenticate']).toMatch(/^Basic/);
      }
    });

    it('refuses an unknown client, a wrong secret and a method the client is not registered for with one answer', async () => {
      const attempts = [['nobody', 'rp1-secret'], ['rp1', 'wrong'], ['rp2', 'rp2-secret']];
      for (const [id, secret] of attempts) {
        const res = await request(t.server).post('/token').auth(id, secret).type('form').send({ grant_type: 'client_credentials' });
        expect([id, res.status, res.body]).toEqual([id, 401, { error: 'invalid_client', error_description: 'Client authentication failed.' }]);
        expect(res.headers['www-authenticate']).toBe('Basic realm="revocation-server"');
      }
      const post = await request(t.server).post('/token').type('form').send({ grant_type: 'client_credentials', client_id: 'rp1', client_secret: 'rp1-secret' });
      expect([post.status, post.body]).toEqual([401, { error: 'invalid_client', error_description: 'Client authentication failed.' }]);
    });

    it('treats a parameter sent without a value as omitted (RFC 6749 §3.2): Basic beside an empty client_secret is one method', async () => {
      // What `curl -u rp1:rp1-secret -d grant_type=client_credentials -d client_secret=` and Swagger UI's empty fields send.
      const empties = 'client_id=&client_secret=&client_assertion_type=&client_assertion=';
      const issued = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send(`grant_type=client_credentials&scope=&${empties}`);
      expect(issued.status).toBe(200);
      const plain = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send('grant_type=client_credentials');
      expect(issued.body.scope).toBe(plain.body.scope);
      const token = issued.body.access_token as string;
      const active = await request(t.server).post('/introspect').auth('rp1', 'rp1-secret').type('form').send(`token=${token}&token_type_hint=&${empties}`);
      expect([active.status, active.body.active]).toEqual([200, true]);
      const revoked = await request(t.server).post('/revoke').auth('rp1', 'rp1-secret').type('form').send(`token=${token}&token_type_hint=&${empties}`);
      expect(revoked.status).toBe(200);
      expect(await introspect(t, rp, token)).toEqual({ active: false });
      expect((await t.dataSource.getRepository(IssuedTokenEntity).findOneBy({ id: decodeJwt(token).jti as string }))?.revokedAt).not.toBeNull();
      // An empty value is no value: a required parameter sent empty is missing.
      const missing = await request(t.server).post('/introspect').auth('rp1', 'rp1-secret').type('form').send('token=');
      expect([missing.status, missing.body]).toEqual([400, { error: 'invalid_request', error_description: 'The parameter token is required.' }]);
    });

    it('accepts client_secret_post for a client registered with it', async () => {
      const res = await request(t.server).post('/token').type('form').send({ grant_type: 'client_credentials', client_id: 'rp2', client_secret: 'rp2-secret' });
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('Bearer');
    });

    it('answers a malformed Basic header with 400 and two methods at once with 400', async () => {
      const bad = await request(t.server).post('/token').set('Authorization', 'Basic ***').type('form').send({ grant_type: 'client_credentials' });
      expect(bad.status).toBe(400);
      const both = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'client_credentials', client_id: 'rp1', client_secret: 'rp1-secret' });
      expect(both.status).toBe(400);
      expect(both.body.error).toBe('invalid_request');
    });

    it('takes a secret that holds raw colons, as `curl -u` sends it (RFC 7617: split at the first colon)', async () => {
      await seedClient(t, { client_id: 'colon-client', client_secret: 'abc:def:ghi-0123456789', grant_types: ['client_credentials'] });
      const ok = await request(t.server).post('/token').auth('colon-client', 'abc:def:ghi-0123456789').type('form').send({ grant_type: 'client_credentials' });
      expect(ok.status).toBe(200);
      const truncated = await request(t.server).post('/token').auth('colon-client', 'abc').type('form').send({ grant_type: 'client_credentials' });
      expect(truncated.status).toBe(401);
      expect(truncated.body.error).toBe('invalid_client');
    });

    it('form-urldecodes Basic credentials (RFC 6749 §2.3.1)', async () => {
      await seedClient(t, { client_id: 'odd client', client_secret: 'p@ss:w%rd', grant_types: ['client_credentials'] });
      const header = 'Basic ' + Buffer.from(`${encodeURIComponent('odd client')}:${encodeURIComponent('p@ss:w%rd')}`).toString('base64');
      const res = await request(t.server).post('/token').set('Authorization', header).type('form').send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(200);
    });
  });

  describe('client_credentials', () => {
    it('issues an RFC 9068 access token signed with a key from /jwks', async () => {
      const res = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'client_credentials', scope: 'api' });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'api', expires_in: 3600 });
      expect(res.body.refresh_token).toBeUndefined();
      const header = decodeProtectedHeader(res.body.access_token);
      expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      const claims = decodeJwt(res.body.access_token);
      expect(claims).toMatchObject({ iss: 'http://localhost:8080', sub: 'rp1', client_id: 'rp1', scope: 'api' });
      expect(typeof claims.jti).toBe('string');
      const jwks = await request(t.server).get('/jwks').expect(200);
      expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
      expect(JSON.stringify(jwks.body)).not.toContain('"d"');
    });

    it('refuses a scope the client is not registered for, a grant it may not use, and an unknown grant', async () => {
      const scope = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'client_credentials', scope: 'admin' });
      expect(scope.status).toBe(400);
      expect(scope.body.error).toBe('invalid_scope');
      const grant = await request(t.server).post('/token').type('form').send({ grant_type: 'password', username: 'breakfast', password: 'a-password', client_id: 'rp2', client_secret: 'rp2-secret' });
      expect(grant.body.error).toBe('unauthorized_client');
      const unknown = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'urn:x' });
      expect(unknown.body.error).toBe('unsupported_grant_type');
      const missing = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({});
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ error: 'invalid_request', error_description: 'The parameter grant_type is required.' });
    });

    it('refuses a repeated parameter', async () => {
      const res = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send('grant_type=client_credentials&grant_type=password');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('password grant and sessions', () => {
    it('authenticates the user, opens a session, and returns access, refresh and ID tokens carrying sid and pi.sri', async () => {
      const res = await passwordLogin(t, rp, 'breakfast', 'a-password');
      expect(res.status).toBe(200);
      const at = decodeJwt(res.body.access_token);
      const idt = decodeJwt(res.body.id_token);
      expect(at.sub).toBe(userId);
      expect(typeof at.sid).toBe('string');
      expect(typeof at['pi.sri']).toBe('string');
      expect(idt).toMatchObject({ sub: userId, aud: 'rp1', sid: at.sid, 'pi.sri': at['pi.sri'] });
      expect(typeof idt.auth_time).toBe('number');
      const rows = await t.dataSource.query('SELECT * FROM user_session WHERE id = $1'.replace('$1', t.dataSource.options.type === 'postgres' ? '$1' : '?'), [at.sid]);
      expect(rows).toHaveLength(1);
      expect(rows[0].user_id).toBe(userId);
      expect(rows[0].sri).toBe(at['pi.sri']);
    });

    it('stores a digest of the refresh token, never the token itself', async () => {
      const res = await passwordLogin(t, rp, 'breakfast', 'a-password');
      const all = await t.dataSource.getRepository(IssuedTokenEntity).find();
      expect(JSON.stringify(all)).not.toContain(res.body.refresh_token);
      expect(all.some((r) => r.type === 'refresh_token')).toBe(true);
    });

    it('refuses a wrong password or an unknown user with invalid_grant', async () => {
      for (const [u, p] of [['breakfast', 'nope'], ['ghost', 'a-password']]) {
        const res = await passwordLogin(t, rp, u, p);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_grant');
      }
    });
  });

  describe('refresh_token rotation', () => {
    it('rotates: the new refresh token works, the old one fails and revokes the family', async () => {
      const login = await passwordLogin(t, rp, 'breakfast', 'a-password');
      const r1 = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
      expect(r1.status).toBe(200);
      expect(r1.body.refresh_token).not.toBe(login.body.refresh_token);
      const reuse = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
      expect(reuse.status).toBe(400);
      expect(reuse.body.error).toBe('invalid_grant');
      // Reuse detection revoked the family: the rotated token and its access token are dead too.
      const r2 = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'refresh_token', refresh_token: r1.body.refresh_token });
      expect(r2.body.error).toBe('invalid_grant');
      expect((await introspect(t, rp, r1.body.access_token)).active).toBe(false);
    });

    it('refuses a refresh token presented by another client', async () => {
      const login = await passwordLogin(t, rp, 'breakfast', 'a-password');
      const res = await request(t.server).post('/token').type('form').send({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token, client_id: 'rp2', client_secret: 'rp2-secret' });
      expect(res.status).toBe(400);
    });
  });

  describe('introspection (RFC 7662) and revocation (RFC 7009)', () => {
    it('introspects a live access token as active, with no-store', async () => {
      const login = await passwordLogin(t, rp, 'breakfast', 'a-password');
      const res = await request(t.server).post('/introspect').auth('rp1', 'rp1-secret').type('form').send({ token: login.body.access_token });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({ active: true, client_id: 'rp1', sub: userId, token_type: 'Bearer' });
      expect(res.body['pi.sri']).toBeDefined();
      const claims = decodeJwt(login.body.access_token);
      expect(res.body).toEqual({
        active: true, scope: claims.scope, client_id: 'rp1', sub: userId, aud: claims.aud, iss: claims.iss, exp: claims.exp, iat: claims.iat,
        jti: claims.jti, token_type: 'Bearer', sid: claims.sid, 'pi.sri': claims['pi.sri'],
      });
      // The second answer comes from memory (fixedBody): the same bytes, as JSON.
      const again = await request(t.server).post('/introspect').auth('rp1', 'rp1-secret').type('form').send({ token: login.body.access_token });
      expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(again.text).toBe(res.text);
      const rt = await introspect(t, rp, login.body.refresh_token);
      expect(rt).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'rp1' });
    });

    it('answers {"active":false} for malformed, unknown and foreign-signed tokens', async () => {
      const forged = 'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
      for (const token of ['garbage', 'a.b.c', forged, 'x'.repeat(5000)]) {
        expect(await introspect(t, rp, token)).toEqual({ active: false });
      }
    });

    it('requires client authentication and the token parameter', async () => {
      expect((await request(t.server).post('/introspect').type('form').send({ token: 'x' })).status).toBe(401);
      const res = await request(t.server).post('/introspect').auth('rp1', 'rp1-secret').type('form').send({});
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('revokes an access token: 200, then it introspects inactive and the store records it', async () => {
      const cc = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'client_credentials' });
      expect((await introspect(t, rp, cc.body.access_token)).active).toBe(true);
      const res = await request(t.server).post('/revoke').auth('rp1', 'rp1-secret').type('form').send({ token: cc.body.access_token });
      expect(res.status).toBe(200);
      expect((await introspect(t, rp, cc.body.access_token)).active).toBe(false);
      const row = await t.dataSource.getRepository(IssuedTokenEntity).findOneBy({ id: decodeJwt(cc.body.access_token).jti as string });
      expect(row?.revokedAt).not.toBeNull();
    });

    it('revoking a refresh token also ends the access tokens of its grant, and refresh fails', async () => {
      const login = await passwordLogin(t, rp, 'breakfast', 'a-password');
      await request(t.server).post('/revoke').auth('rp1', 'rp1-secret').type('form').send({ token: login.body.refresh_token, token_type_hint: 'refresh_token' }).expect(200);
      expect((await introspect(t, rp, login.body.access_token)).active).toBe(false);
      const refresh = await request(t.server).post('/token').auth('rp1', 'rp1-secret').type('form').send({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
      expect(refresh.body.error).toBe('invalid_grant');
    });

    it('answers 200 for unknown tokens and refuses to revoke another client\'s token', async () => {
      await request(t.server).post('/revoke').auth('rp1', 'rp1-secret').type('form').send({ token: 'unknown' }).expect(200);
      const cc = await request(t.server).post('/token').type('form').send({ grant_type: 'client_credentials', client_id: 'rp2', client_secret: 'rp2-secret' });
      const res = await request(t.server).post('/revoke').auth('rp1', 'rp1-secret').type('form').send({ token: cc.body.access_token });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unauthorized_client');
      expect((await introspect(t, rp, cc.body.access_token)).active).toBe(true);
    });
  });
});
