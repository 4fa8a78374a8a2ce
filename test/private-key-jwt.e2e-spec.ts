import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { decodeJwt, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { ClientRepository, UsedJtiEntity } from '@app/store';
import { seedClient } from './support/fixtures';
import { startTestApp, TestApp } from './support/test-app';

const ISSUER = 'http://localhost:8080';
const TOKEN_ENDPOINT = `${ISSUER}/token`;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('private_key_jwt client authentication (RFC 7523)', () => {
  let t: TestApp;
  let key: Key;
  let uriKey: Key;
  let jwksServer: Server;

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (client: string, over: Record<string, unknown> = {}) =>
    ({ iss: client, sub: client, aud: TOKEN_ENDPOINT, jti: randomUUID(), iat: now(), exp: now() + 120, ...over });
  const assertion = (client: string, over: Record<string, unknown> = {}, k: Key = key, alg = 'ES256') =>
    new SignJWT(claims(client, over)).setProtectedHeader({ alg, kid: 'k1' }).sign(k);
  const withAssertion = (jwt: string, extra: Record<string, string> = {}) => ({ client_assertion_type: JWT_BEARER, client_assertion: jwt, ...extra });
  const token = (form: Record<string, string>) => request(t.server).post('/token').type('form').send({ grant_type: 'client_credentials', ...form });
  const introspect = (form: Record<string, string>) => request(t.server).post('/introspect').type('form').send(form);

  function expectRefused(res: request.Response, why: RegExp): void {
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.body.error_description).toMatch(why);
    expect(res.headers['www-authenticate']).toBeDefined();
  }

  async function seedJwtClient(clientId: string, keys: { jwks?: { keys: JWK[] }; jwksUri?: string }): Promise<void> {
    const repo = t.app.get(ClientRepository);
    await seedClient(t, { client_id: clientId, client_secret: 'unused-secret', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], scopes: ['openid', 'api'] });
    const client = (await repo.findById(clientId))!;
    await repo.save({ ...client, secretHash: null, jwks: keys.jwks ?? null, jwksUri: keys.jwksUri ?? null, updatedAt: Date.now() });
  }

  beforeAll(async () => {
    t = await startTestApp({ http: { issuer: ISSUER } });
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    await seedJwtClient('jwt-app', { jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', use: 'sig' }] } });

    // A client whose keys are published at its jwks_uri.
    const uriPair = await generateKeyPair('RS256');
    uriKey = uriPair.privateKey;
    const published = JSON.stringify({ keys: [{ ...(await exportJWK(uriPair.publicKey)), kid: 'k1', alg: 'RS256' }] });
    jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(published));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    await seedJwtClient('jwt-uri-app', { jwksUri: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks` });

    await seedClient(t, { client_id: 'secret-app', client_secret: 'secret-app-secret', grant_types: ['client_credentials'], scopes: ['openid', 'api'] });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  it('issues a token at /token to a client authenticating with a signed assertion, and records its jti', async () => {
    const jwt = await assertion('jwt-app');
    const res = await token({ ...withAssertion(jwt), scope: 'api' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'api' });
    const issued = decodeJwt(res.body.access_token);
    expect(issued).toMatchObject({ client_id: 'jwt-app', sub: 'jwt-app' });
    const used = await t.dataSource.getRepository(UsedJtiEntity).findOneBy({ clientId: 'jwt-app', jti: decodeJwt(jwt).jti as string });
    expect(used?.expiresAt).toBeGreaterThan(Date.now());
  });

  it('authenticates at /introspect, with the issuer as aud and a client_id parameter that matches', async () => {
    const issued = await token(withAssertion(await assertion('jwt-app'))).expect(200);
    const res = await introspect({ token: issued.body.access_token, ...withAssertion(await assertion('jwt-app', { aud: ISSUER }), { client_id: 'jwt-app' }) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: true, client_id: 'jwt-app' });
  });

  it('verifies with the keys at the client\'s jwks_uri', async () => {
    const res = await token(withAssertion(await assertion('jwt-uri-app', {}, uriKey, 'RS256')));
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).client_id).toBe('jwt-uri-app');
  });

  it('refuses a signature by another key', async () => {
    const other = (await generateKeyPair('ES256')).privateKey;
    expectRefused(await token(withAssertion(await assertion('jwt-app', {}, other))), /signature does not verify/);
    expectRefused(await introspect({ token: 'x', ...withAssertion(await assertion('jwt-app', {}, other)) }), /signature does not verify/);
  });

  it('refuses an aud that is neither the issuer nor the token endpoint', async () => {
    for (const aud of [`${ISSUER}/introspect`, 'https://elsewhere.example.com/token', [`${ISSUER}/revoke`]]) {
      expectRefused(await introspect({ token: 'x', ...withAssertion(await assertion('jwt-app', { aud })) }), /aud is neither the issuer nor the token endpoint/);
    }
  });

  it('refuses a replayed jti, at the same endpoint or another', async () => {
    const jwt = await assertion('jwt-app');
    expect((await introspect({ token: 'x', ...withAssertion(jwt) })).status).toBe(200);
    expectRefused(await introspect({ token: 'x', ...withAssertion(jwt) }), /already used/);
    expectRefused(await token(withAssertion(jwt)), /already used/);
    expect(await t.dataSource.getRepository(UsedJtiEntity).countBy({ clientId: 'jwt-app', jti: decodeJwt(jwt).jti as string })).toBe(1);
  });

  it('refuses an expired assertion, one without exp or jti, and one that lives too long', async () => {
    expectRefused(await token(withAssertion(await assertion('jwt-app', { iat: now() - 600, exp: now() - 300 }))), /expired/);
    expectRefused(await token(withAssertion(await assertion('jwt-app', { exp: undefined }))), /exp claim/);
    expectRefused(await token(withAssertion(await assertion('jwt-app', { jti: undefined }))), /jti claim/);
    expectRefused(await token(withAssertion(await assertion('jwt-app', { exp: now() + 3600 }))), /more than 300 seconds ahead/);
  });

  it('refuses an iss or sub other than the client, and a client_id parameter naming another client', async () => {
    expectRefused(await token(withAssertion(await assertion('jwt-app', { iss: 'https://org.example.com' }))), /iss and sub must both be the client_id/);
    expectRefused(await token(withAssertion(await assertion('jwt-app', { sub: 'someone' }))), /iss and sub must both be the client_id/);
    expectRefused(await token(withAssertion(await assertion('jwt-app'), { client_id: 'jwt-uri-app' })), /does not match/);
  });

  it('refuses a symmetric (HS256) and an unsigned assertion', async () => {
    const hs = await new SignJWT(claims('jwt-app')).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)));
    expectRefused(await token(withAssertion(hs)), /algorithm is not allowed/);
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expectRefused(await token(withAssertion(`${enc({ alg: 'none' })}.${enc(claims('jwt-app'))}.`)), /client assertion/);
  });

  it('refuses an assertion from a client registered for a secret, and a secret from a client registered for assertions', async () => {
    // The method is checked before anything is verified: whatever key signed it. Refused as an unknown client is.
    expectRefused(await token(withAssertion(await assertion('secret-app'))), /^Client authentication failed\.$/);
    expectRefused(await introspect({ token: 'x', ...withAssertion(await assertion('secret-app')) }), /^Client authentication failed\.$/);
    const basic = await request(t.server).post('/introspect').auth('jwt-app', 'unused-secret').type('form').send({ token: 'x' });
    expectRefused(basic, /^Client authentication failed\.$/);
    expectRefused(await token(withAssertion(await assertion('nobody'))), /^Client authentication failed\.$/);
  });

  it('answers two methods at once, a malformed or unknown assertion type with 400 invalid_request', async () => {
    const jwt = await assertion('jwt-app');
    const cases = [
      request(t.server).post('/introspect').auth('secret-app', 'secret-app-secret').type('form').send({ token: 'x', ...withAssertion(jwt) }),
      introspect({ token: 'x', ...withAssertion(jwt, { client_id: 'secret-app', client_secret: 'secret-app-secret' }) }),
      introspect({ token: 'x', client_assertion: jwt }),
      introspect({ token: 'x', ...withAssertion(jwt), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }),
      request(t.server).post('/introspect').type('form').send(`token=x&client_assertion_type=${encodeURIComponent(JWT_BEARER)}&client_assertion=${jwt}&client_assertion=${jwt}`),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
    // None of them used the assertion up.
    expect((await introspect({ token: 'x', ...withAssertion(jwt) })).status).toBe(200);
  });
});
