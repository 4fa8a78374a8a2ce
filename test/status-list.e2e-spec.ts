import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { StatusType } from '../libs/resource-server/src/status-list';
import { ClientFixture, introspect, passwordLogin, seedClient, seedUser } from './support/fixtures';
import { expectStatusSoon, fetchList, servedStatus, statusRef } from './support/status-list';
import { startTestApp, TestApp } from './support/test-app';

const ISSUER = 'http://localhost:8080';

/**
 * Token Status List (draft-ietf-oauth-status-list): every JWT this server issues names an index
 * of a list it serves, and a revocation, by whatever path, turns that index INVALID.
 */
describe('Token Status List', () => {
  let t: TestApp;
  let rp: ClientFixture;

  const clientToken = async () => {
    const res = await request(t.server).post('/token').auth(rp.client_id, rp.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'profile' }).expect(200);
    return res.body.access_token as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    rp = await seedClient(t, { client_id: 'rp', client_secret: 'rp-secret-1', scopes: ['openid', 'profile', 'global_token_revocation'], session_revocation_api: true });
    await seedUser(t, 'alice', 'alice-password');
    await seedUser(t, 'bob', 'bob-password');
    await seedUser(t, 'carol', 'carol-password');
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives every JWT access token and ID token its own index of a list this server serves', async () => {
    const login = await passwordLogin(t, rp, 'alice', 'alice-password');
    const cc = await clientToken();
    const refs = [statusRef(login.body.access_token), statusRef(login.body.id_token), statusRef(cc)];
    for (const ref of refs) {
      expect(ref.uri).toMatch(new RegExp(`^${ISSUER}/statuslists/\\d+$`));
      expect(Number.isInteger(ref.idx) && ref.idx >= 0).toBe(true);
    }
    expect(new Set(refs.map((r) => `${r.uri}#${r.idx}`)).size).toBe(3);
    for (const token of [login.body.access_token, login.body.id_token, cc]) await expectStatusSoon(t, token, StatusType.VALID);
  });

  it('serves a Status List Token: its media type, typ, claims, signed with a key of /jwks', async () => {
    const cc = await clientToken();
    const { uri } = statusRef(cc);
    await expectStatusSoon(t, cc, StatusType.VALID);
    const res = await fetchList(t, new URL(uri).pathname).expect(200);
    expect(res.headers['content-type']).toBe('application/statuslist+jwt');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    const jwt = res.body as string;
    expect(decodeProtectedHeader(jwt).typ).toBe('statuslist+jwt');
    const jwks = (await request(t.server).get('/jwks').expect(200)).body;
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { typ: 'statuslist+jwt', subject: uri, issuer: ISSUER });
    expect(payload.ttl).toBe(60);
    expect(payload.exp! - payload.iat!).toBe(180);
    expect(payload.status_list).toMatchObject({ bits: 2, aggregation_uri: `${ISSUER}/statuslists` });
    expect(Buffer.from((payload.status_list as { lst: string }).lst, 'base64url').subarray(0, 2).toString('hex')).toBe('78da');
  });

  it('answers If-None-Match with 304, gzip when asked, 404 for an unknown list and 501 for a time', async () => {
    const path = new URL(statusRef(await clientToken()).uri).pathname;
    const first = await fetchList(t, path).expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const notModified = await request(t.server).get(path).set('If-None-Match', etag).expect(304);
    expect(notModified.headers.etag).toBe(etag);
    expect(notModified.headers['access-control-allow-origin']).toBe('*');
    const gz = await request(t.server).get(path).set('Accept-Encoding', 'gzip').buffer(true)
      .parse((r, done) => { const c: Buffer[] = []; r.on('data', (b: Buffer) => c.push(b)); r.on('end', () => done(null, Buffer.concat(c))); });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/i);
    // supertest may already have inflated it: either way the bytes are the same token.
    const body = gz.body as Buffer;
    expect((body[0] === 0x1f ? gunzipSync(body) : body).toString('utf8')).toBe(first.body);
    await request(t.server).get('/statuslists/999999').expect(404);
    await request(t.server).get('/statuslists/abc').expect(404);
    await request(t.server).get(`${path}?time=1686925000`).expect(501);
  });

  it('publishes the aggregation endpoint in discovery, listing every list', async () => {
    const { uri } = statusRef(await clientToken());
    const discovery = await request(t.server).get('/.well-known/openid-configuration').expect(200);
    expect(discovery.body.status_list_aggregation_endpoint).toBe(`${ISSUER}/statuslists`);
    expect(discovery.body.claims_supported).toEqual(expect.arrayContaining(['sub', 'pi.sri', 'status']));
    const aggregation = await request(t.server).get('/statuslists').expect(200);
    expect(aggregation.headers['content-type']).toMatch(/^application\/json/);
    expect(aggregation.body.status_lists).toContain(uri);
  });

  it('RFC 7009: a revoked client_credentials token reads INVALID, another stays VALID', async () => {
    const revoked = await clientToken();
    const control = await clientToken();
    await request(t.server).post('/revoke').auth(rp.client_id, rp.client_secret).type('form').send({ token: revoked }).expect(200);
    await expectStatusSoon(t, revoked, StatusType.INVALID);
    expect(await servedStatus(t, control)).toBe(StatusType.VALID);
  });

  it('RFC 7009: a revoked user access token reads INVALID, the same login\'s ID token and another login stay VALID', async () => {
    const login = await passwordLogin(t, rp, 'alice', 'alice-password');
    const control = await passwordLogin(t, rp, 'alice', 'alice-password');
    await request(t.server).post('/revoke').auth(rp.client_id, rp.client_secret).type('form').send({ token: login.body.access_token }).expect(200);
    await expectStatusSoon(t, login.body.access_token, StatusType.INVALID);
    expect(await servedStatus(t, login.body.id_token)).toBe(StatusType.VALID);
    expect(await servedStatus(t, control.body.access_token)).toBe(StatusType.VALID);
  });

  it('global token revocation: every token of the user reads INVALID, another user\'s stay VALID', async () => {
    const bob = await passwordLogin(t, rp, 'bob', 'bob-password');
    const carol = await passwordLogin(t, rp, 'carol', 'carol-password');
    await expectStatusSoon(t, bob.body.access_token, StatusType.VALID);
    await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth(rp.client_id, rp.client_secret)
      .send({ sub_id: { format: 'uid', id: 'bob' } }).expect(204);
    await expectStatusSoon(t, bob.body.access_token, StatusType.INVALID);
    await expectStatusSoon(t, bob.body.id_token, StatusType.INVALID);
    expect((await introspect(t, rp, bob.body.access_token)).active).toBe(false);
    expect(await servedStatus(t, carol.body.access_token)).toBe(StatusType.VALID);
    expect(await servedStatus(t, carol.body.id_token)).toBe(StatusType.VALID);
  });
});
