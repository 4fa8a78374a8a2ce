import request from 'supertest';
import { REFERENCE_TOKEN_PREFIX, ReferenceTokenCodec } from '@app/auth';
import { ConfigOverrides } from '@app/common';
import { IssuedTokenEntity } from '@app/store';
import { ClientFixture, introspect, passwordLogin, seedClient, seedUser } from './support/fixtures';
import { startTestApp, testStoreConfig, TestApp } from './support/test-app';

const REVOKED_SRIS = '/pf-ws/rest/sessionMgmt/revokedSris';

/** Reference access tokens (`access_token_format: reference`): opaque, read by this server alone, revocable like JWTs. */
describe('Reference access tokens', () => {
  let t: TestApp;
  const rp: ClientFixture = {
    client_id: 'ref', client_secret: 'ref-secret-1', scopes: ['openid', 'profile', 'api', 'global_token_revocation', 'admin'],
    grant_types: ['client_credentials', 'password', 'refresh_token'], session_revocation_api: true, access_token_format: 'reference',
  };
  const cc = async (scope = 'api') => {
    const res = await request(t.server).post('/token').auth(rp.client_id, rp.client_secret).type('form').send({ grant_type: 'client_credentials', scope });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await seedClient(t, rp);
    await seedUser(t, 'dora', 'dora-password');
    await seedUser(t, 'eve', 'eve-password');
  });
  afterAll(async () => { await t.close(); });

  it('issues an opaque token through client_credentials, which introspection reads back with every claim', async () => {
    const res = await request(t.server).post('/token').auth(rp.client_id, rp.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'api' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'api', expires_in: 3600 });
    const token = res.body.access_token as string;
    expect(token.startsWith(REFERENCE_TOKEN_PREFIX)).toBe(true);
    expect(token.slice(REFERENCE_TOKEN_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/);
    // Opaque: nothing of the claims can be read from the text.
    expect(Buffer.from(token.slice(REFERENCE_TOKEN_PREFIX.length), 'base64url').toString('latin1')).not.toMatch(/client_id|"ref"|api/);
    const claims = await introspect(t, rp, token);
    expect(claims).toMatchObject({ active: true, scope: 'api', client_id: 'ref', sub: 'ref', iss: 'http://localhost:8080', aud: 'http://localhost:8080', token_type: 'Bearer' });
    expect(typeof claims.jti).toBe('string');
    expect(claims.exp).toBe((claims.iat as number) + 3600);
    // Issuing writes nothing, as for a client_credentials JWT.
    expect(await t.dataSource.getRepository(IssuedTokenEntity).countBy({ id: claims.jti as string })).toBe(0);
  });

  it('is inactive once tampered with, truncated, or sealed by another server', async () => {
    const token = await cc();
    const body = token.slice(REFERENCE_TOKEN_PREFIX.length);
    const flip = (i: number) => REFERENCE_TOKEN_PREFIX + body.slice(0, i) + (body[i] === 'A' ? 'B' : 'A') + body.slice(i + 1);
    // The hour (out of the window), the IV, the ciphertext and the tag: each part is covered.
    for (const i of [2, 10, 40, body.length - 3]) expect((await introspect(t, rp, flip(i))).active).toBe(false);
    // The next hour is inside the window: the token is refused because the hour is authenticated.
    const raw = Buffer.from(body, 'base64url');
    raw.writeUInt32BE(raw.readUInt32BE(0) + 1, 0);
    expect((await introspect(t, rp, REFERENCE_TOKEN_PREFIX + raw.toString('base64url'))).active).toBe(false);
    for (const bad of [token.slice(0, -4), `${token}AAAA`, `${token}=`, REFERENCE_TOKEN_PREFIX, `${REFERENCE_TOKEN_PREFIX}%%%`]) {
      expect((await introspect(t, rp, bad)).active).toBe(false);
    }
    const other = await startTestApp();
    try {
      await seedClient(other, rp);
      const foreign = (await request(other.server).post('/token').auth(rp.client_id, rp.client_secret).type('form').send({ grant_type: 'client_credentials' })).body.access_token;
      expect(foreign.startsWith(REFERENCE_TOKEN_PREFIX)).toBe(true);
      expect((await introspect(other, rp, foreign)).active).toBe(true);
      expect((await introspect(t, rp, foreign)).active).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('is inactive once expired, and from an hour no unexpired token can come from', async () => {
    const codec = t.app.get(ReferenceTokenCodec);
    const now = Date.now();
    const iat = Math.floor(now / 1000);
    const claims = { iss: 'http://localhost:8080', sub: 'ref', aud: 'http://localhost:8080', client_id: 'ref', scope: 'api', jti: 'AZq0b1YAAAAAAAAAAAAAAAAA', iat };
    expect((await introspect(t, rp, codec.seal({ ...claims, exp: iat + 60 }, now))).active).toBe(true);
    expect((await introspect(t, rp, codec.seal({ ...claims, exp: iat - 1 }, now))).active).toBe(false);
    // Sealed three hours ago (or three hours ahead) with a lifetime that would still run: refused, an hour-long lifetime cannot reach it.
    expect((await introspect(t, rp, codec.seal({ ...claims, exp: iat + 600 }, now - 3 * 3_600_000))).active).toBe(false);
    expect((await introspect(t, rp, codec.seal({ ...claims, exp: iat + 600 }, now + 3 * 3_600_000))).active).toBe(false);
    // Another issuer's claims under this server's key are not this server's tokens.
    expect((await introspect(t, rp, codec.seal({ ...claims, iss: 'https://elsewhere.example', exp: iat + 60 }, now))).active).toBe(false);
  });

  it('is revoked by RFC 7009 like a JWT: its id is recorded and introspection answers inactive', async () => {
    const token = await cc();
    const jti = (await introspect(t, rp, token)).jti as string;
    await request(t.server).post('/revoke').auth(rp.client_id, rp.client_secret).type('form').send({ token }).expect(200);
    expect((await introspect(t, rp, token)).active).toBe(false);
    const row = await t.dataSource.getRepository(IssuedTokenEntity).findOneBy({ id: jti });
    expect(row).toMatchObject({ type: 'access_token', clientId: 'ref', revokedReason: 'rfc7009' });
  });

  it('carries a password login\'s user, session and SRI, and ends with a global revocation of the user', async () => {
    const login = await passwordLogin(t, rp, 'dora', 'dora-password');
    expect(login.status).toBe(200);
    expect(login.body.access_token.startsWith(REFERENCE_TOKEN_PREFIX)).toBe(true);
    expect(login.body.id_token).toMatch(/^eyJ/); // ID tokens stay JWTs: the client reads them.
    const claims = await introspect(t, rp, login.body.access_token);
    expect(claims).toMatchObject({ active: true, client_id: 'ref', scope: 'openid profile' });
    expect(claims.sub).not.toBe('ref');
    expect(typeof claims.sid).toBe('string');
    expect(typeof claims['pi.sri']).toBe('string');
    await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth(rp.client_id, rp.client_secret)
      .send({ sub_id: { format: 'uid', id: 'dora' } }).expect(204);
    expect((await introspect(t, rp, login.body.access_token)).active).toBe(false);
  });

  it('ends when its session\'s SRI is put on the revocation list', async () => {
    const login = await passwordLogin(t, rp, 'eve', 'eve-password');
    const sri = (await introspect(t, rp, login.body.access_token))['pi.sri'] as string;
    await request(t.server).post(REVOKED_SRIS).auth(rp.client_id, rp.client_secret).set('X-XSRF-HEADER', 'x').set('Content-Type', 'application/json')
      .send({ id: sri }).expect(201);
    expect((await introspect(t, rp, login.body.access_token)).active).toBe(false);
  });

  it('authorizes bearer calls (the admin API) as a JWT would', async () => {
    const token = await cc('admin');
    expect((await request(t.server).get('/admin/clients').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    const refused = await request(t.server).get('/admin/clients').set('Authorization', `Bearer ${tampered}`);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_token');
  });
});

describe('Reference access tokens on two instances of one store', () => {
  it('a token one instance issued is read by the other (the key is shared through the store)', async () => {
    const store = testStoreConfig();
    const shared: ConfigOverrides = { store: { databaseUrl: store.databaseUrl, databaseSchema: store.databaseSchema } };
    const a = await startTestApp(shared);
    const b = await startTestApp(shared);
    try {
      const rp = await seedClient(a, { client_id: 'ref2', client_secret: 'ref2-secret', grant_types: ['client_credentials'], scopes: ['api'], access_token_format: 'reference' });
      const token = (await request(b.server).post('/token').auth(rp.client_id, rp.client_secret).type('form').send({ grant_type: 'client_credentials' })).body.access_token;
      expect(token.startsWith(REFERENCE_TOKEN_PREFIX)).toBe(true);
      expect(await introspect(a, rp, token)).toMatchObject({ active: true, client_id: 'ref2' });
    } finally {
      await b.close();
      await a.close();
      store.cleanup();
    }
  });
});
