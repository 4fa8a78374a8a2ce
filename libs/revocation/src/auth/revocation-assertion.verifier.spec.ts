import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ApiError, GlobalRevocationConfig, HttpConfig } from '@app/common';
import type { ClientEntity, ClientRepository, UsedJtiRepository } from '@app/store';
import { ClientKeySets } from '@app/auth';
import { RevocationAssertionVerifier } from './revocation-assertion.verifier';

const HTTP = { issuer: 'https://as.example.com' } as HttpConfig;
const GLOBAL_REVOCATION = { pathPrefix: '/jans-auth/restv1', unknownUserStatus: 204, assertionMaxLifetime: 300 } satisfies GlobalRevocationConfig;
const AUD = 'https://as.example.com/jans-auth/restv1/global-token-revocation';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('RevocationAssertionVerifier', () => {
  let key: Key;
  let clients: Map<string, ClientEntity>;
  let used: Set<string>;
  let verifier: RevocationAssertionVerifier;

  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}, k: Key = key) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'global-token-revocation+jwt', ...header }).sign(k);
  const now = () => Math.floor(Date.now() / 1000);
  const valid = (over: Record<string, unknown> = {}) => ({ iss: 'https://org.okta.com', sub: 'okta-app', aud: AUD, jti: randomUUID(), iat: now(), exp: now() + 300, ...over });

  async function refusal(token: string): Promise<ApiError> {
    const err = await verifier.verify(token).then(() => undefined, (e: unknown) => e);
    if (!(err instanceof ApiError)) throw new Error(`expected a refusal, got ${String(err)}`);
    expect(err.status).toBe(401);
    expect(err.code).toBe('invalid_token');
    expect(err.headers['WWW-Authenticate']).toMatch(/^Bearer/);
    return err;
  }

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', use: 'sig' };
    clients = new Map([
      ['okta-app', { clientId: 'okta-app', scopes: ['global_token_revocation'], jwks: { keys: [jwk] }, jwksUri: null } as ClientEntity],
      ['rfc7523-app', { clientId: 'rfc7523-app', scopes: [] as string[], jwks: { keys: [jwk] }, jwksUri: null } as ClientEntity],
      ['secret-app', { clientId: 'secret-app', scopes: ['global_token_revocation'], jwks: null, jwksUri: null } as ClientEntity],
    ]);
  });

  beforeEach(() => {
    used = new Set();
    const clientRepo = { findById: async (id: string) => clients.get(id) ?? null };
    const usedJtis = { use: async (client: string, jti: string) => (used.has(`${client} ${jti}`) ? false : (used.add(`${client} ${jti}`), true)) };
    verifier = new RevocationAssertionVerifier(HTTP, GLOBAL_REVOCATION, clientRepo as unknown as ClientRepository, new ClientKeySets(), usedJtis as unknown as UsedJtiRepository);
  });

  it('accepts Okta\'s shape: the client in sub, the org in iss; the caller carries the client\'s registered scopes', async () => {
    const auth = await verifier.verify(await sign(valid()));
    expect(auth).toMatchObject({ method: 'jwt-bearer', clientId: 'okta-app', scopes: ['global_token_revocation'] });
  });

  it('accepts an RFC 7523-style assertion naming the client in iss and sub', async () => {
    const auth = await verifier.verify(await sign(valid({ iss: 'rfc7523-app', sub: 'rfc7523-app' })));
    expect(auth.clientId).toBe('rfc7523-app');
  });

  it('refuses an assertion whose iss names a client but whose sub does not', async () => {
    expect((await refusal(await sign(valid({ iss: 'rfc7523-app', sub: 'someone-else' })))).description).toMatch(/sub names no client/);
  });

  it('accepts an aud array of the endpoint alone and a typ with the application/ prefix, and no typ at all', async () => {
    await verifier.verify(await sign(valid({ aud: [AUD] }), { typ: 'application/global-token-revocation+jwt' }));
    await verifier.verify(await sign(valid(), { typ: undefined }));
  });

  it('refuses an aud array naming other recipients too', async () => {
    expect((await refusal(await sign(valid({ aud: ['https://other.example.com', AUD] }))))).toBeDefined();
  });

  it('refuses a second use of the same jti', async () => {
    const token = await sign(valid());
    await verifier.verify(token);
    expect((await refusal(token)).description).toMatch(/already used/);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a wrong aud', { aud: 'https://as.example.com/revoke' }, /aud/],
    ['no exp', { exp: undefined }, /exp/],
    ['an expired exp', { exp: now() - 120 }, /expired/],
    ['an exp beyond the maximum lifetime', { exp: now() + 3600 }, /more than 300 seconds/],
    ['an iat in the future', { iat: now() + 600, exp: now() + 300 }, /iat/],
    ['a nbf in the future', { nbf: now() + 600 }, /nbf/],
    ['no jti', { jti: undefined }, /jti/],
    ['no iat', { iat: undefined }, /iat/],
    ['no iss', { iss: undefined }, /iss/],
    ['an iss that is neither the client nor a URL', { iss: 'okta' }, /iss/],
    ['a client without keys', { sub: 'secret-app', iss: 'secret-app' }, /no client registered with a JWKS/],
    ['an unknown client', { sub: 'nobody', iss: 'nobody' }, /no client registered with a JWKS/],
  ])('refuses %s', async (_name, over, message) => {
    expect((await refusal(await sign(valid(over)))).description).toMatch(message);
  });

  it('refuses a signature by another key, and a token whose typ is not global-token-revocation+jwt', async () => {
    const other = (await generateKeyPair('ES256')).privateKey;
    expect((await refusal(await sign(valid(), {}, other))).description).toMatch(/signature/);
    expect((await refusal(await sign(valid(), { typ: 'JWT' }))).description).toMatch(/typ/);
  });

  it('refuses an unsigned (alg none) token', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    await refusal(`${enc({ alg: 'none', typ: 'global-token-revocation+jwt' })}.${enc(valid())}.`);
  });

  it('tells an assertion by its header typ before any verification (isAssertion, what the guard asks)', () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(verifier.isAssertion(`${enc({ alg: 'RS256', typ: 'global-token-revocation+jwt' })}.e30.sig`)).toBe(true);
    expect(verifier.isAssertion(`${enc({ alg: 'RS256', typ: 'Global-Token-Revocation+JWT' })}.e30.sig`)).toBe(true);
    expect(verifier.isAssertion(`${enc({ alg: 'ES256', typ: 'at+jwt' })}.e30.sig`)).toBe(false);
    expect(verifier.isAssertion('opaque-token')).toBe(false);
    expect(verifier.isAssertion('!!.!!.!!')).toBe(false);
  });
});
