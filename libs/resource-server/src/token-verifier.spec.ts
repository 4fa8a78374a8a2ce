import { randomUUID } from 'node:crypto';
import { UnsecuredJWT } from 'jose';
import { InvalidTokenError, KeysUnavailableError, ResourceServerError, StatusUnavailableError } from './errors';
import { TEST_AUDIENCE, TestIssuer, type TestStatusList } from './testing/test-issuer';
import { createTokenVerifier } from './token-verifier';
import type { TokenVerifierOptions } from './token-verifier.options';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createTokenVerifier', () => {
  let idp: TestIssuer;

  beforeAll(async () => {
    idp = await TestIssuer.start();
  });
  afterAll(() => idp.close());

  /** Each verifier has caches of its own; tests use lists of their own on the one issuer. */
  function verifier(options: Partial<TokenVerifierOptions> = {}) {
    return createTokenVerifier({ issuer: idp.issuer, audience: TEST_AUDIENCE, allowedOrigins: [idp.origin], ...options, statusList: { minTtl: 1, ...options.statusList } });
  }

  function list(statuses: number[], setup: Partial<TestStatusList> = {}): string {
    const name = randomUUID();
    idp.lists.set(name, { bits: 2, statuses, ttl: 60, ...setup });
    return name;
  }

  async function refusal(promise: Promise<unknown>): Promise<ResourceServerError> {
    const err = await promise.then(() => undefined, (e: unknown) => e);
    if (!(err instanceof ResourceServerError)) throw new Error(`expected a ResourceServerError, got ${String(err)}`);
    return err;
  }

  describe('access tokens (RFC 9068 §4)', () => {
    it('accepts a token with VALID status, giving its claims, scopes and the token as presented', async () => {
      const name = list([0, 0, 0, 0]);
      const token = await idp.tokenWithStatus(name, 2, { scope: 'orders:read orders:write' });
      const verified = await verifier().verify(token);
      expect(verified.token).toBe(token);
      expect(verified.scopes).toEqual(['orders:read', 'orders:write']);
      expect(verified.payload).toMatchObject({ iss: idp.issuer, sub: 'user-1', client_id: 'client-1', aud: TEST_AUDIENCE });
      // draft §8.1: the list is asked for in its JWT media type.
      expect(idp.listRequests.get(name)).toEqual({ count: 1, accept: 'application/statuslist+jwt' });
    });

    it('accepts RS256 as well as ES256 from the same JWKS, and typ "application/at+jwt" as well as "at+jwt"', async () => {
      const name = list([0]);
      const v = verifier();
      await expect(v.verify(await idp.tokenWithStatus(name, 0, {}, { alg: 'RS256' }))).resolves.toBeDefined();
      await expect(v.verify(await idp.tokenWithStatus(name, 0, {}, { typ: 'application/at+jwt' }))).resolves.toBeDefined();
    });

    it('refuses, as invalid_token and without looking up the status, every token §4 and §2.2 reject', async () => {
      const name = list([0]);
      const v = verifier();
      const now = Math.floor(Date.now() / 1000);
      const unsecured = new UnsecuredJWT({ iss: idp.issuer, aud: TEST_AUDIENCE, sub: 'u', client_id: 'c', jti: 'j', iat: now, exp: now + 60 }).encode();
      const bad: Array<[string, Promise<string>, string]> = [
        ['typ JWT', idp.tokenWithStatus(name, 0, {}, { typ: 'JWT' }), '"typ"'],
        ['no typ', idp.tokenWithStatus(name, 0, {}, { typ: null }), '"typ"'],
        ['another issuer', idp.tokenWithStatus(name, 0, { iss: 'https://other.example' }), '"iss"'],
        ['issuer with a trailing slash', idp.tokenWithStatus(name, 0, { iss: `${idp.issuer}/` }), '"iss"'],
        ['another audience', idp.tokenWithStatus(name, 0, { aud: 'https://other-api.example' }), '"aud"'],
        ['expired', idp.tokenWithStatus(name, 0, { exp: now - 120 }), '"exp"'],
        ['issued in the future', idp.tokenWithStatus(name, 0, { iat: now + 600 }), 'issued in the future'],
        ['no sub', idp.tokenWithStatus(name, 0, { sub: undefined }), 'missing required "sub"'],
        ['no client_id', idp.tokenWithStatus(name, 0, { client_id: undefined }), 'missing required "client_id"'],
        ['no jti', idp.tokenWithStatus(name, 0, { jti: undefined }), 'missing required "jti"'],
        ['no iat', idp.tokenWithStatus(name, 0, { iat: undefined }), 'missing required "iat"'],
        ['no exp', idp.tokenWithStatus(name, 0, { exp: undefined }), 'missing required "exp"'],
        ['a numeric client_id', idp.tokenWithStatus(name, 0, { client_id: 42 }), 'client_id claim is not a non-empty string'],
        ['signed by a key the JWKS does not publish', idp.tokenWithStatus(name, 0, {}, { signedByStranger: true }), 'signature verification failed'],
        ['alg none', Promise.resolve(unsecured), '"alg"'],
        ['a tampered payload', idp.tokenWithStatus(name, 0).then((t) => t.replace(/\.[^.]+\./, `.${Buffer.from('{"sub":"admin"}').toString('base64url')}.`)), 'signature verification failed'],
      ];
      for (const [why, token, reason] of bad) {
        const err = await refusal(v.verify(await token));
        expect([why, err.code, err.status, err.message.includes(reason)]).toEqual([why, 'invalid_token', 401, true]);
      }
      expect(idp.listFetches(name)).toBe(0);
    });

    it('refuses a JWT without a status list reference unless told to accept or introspect it', async () => {
      const token = await idp.accessToken();
      expect((await refusal(verifier().verify(token))).message).toContain('no status list reference');
      await expect(verifier({ withoutStatus: 'accept' }).verify(token)).resolves.toMatchObject({ scopes: ['orders:read'] });
      const introspection = { endpoint: `${idp.issuer}/introspect`, clientId: idp.introspectionClient.id, clientSecret: idp.introspectionClient.secret };
      expect((await refusal(verifier({ withoutStatus: 'introspect', introspection }).verify(token))).code).toBe('invalid_token');
      idp.references.set(token, { active: true, token_type: 'Bearer' });
      await expect(verifier({ withoutStatus: 'introspect', introspection }).verify(token)).resolves.toMatchObject({ payload: { sub: 'user-1' } });
    });

    it('follows a key rotation: a token with a new kid makes it fetch the JWKS again', async () => {
      const name = list([0]);
      const v = verifier({ jwks: { cooldown: 0 } });
      await v.verify(await idp.tokenWithStatus(name, 0));
      const before = idp.jwksRequests;
      await idp.rotate();
      await expect(v.verify(await idp.tokenWithStatus(name, 0))).resolves.toBeDefined();
      expect(idp.jwksRequests).toBe(before + 1);
    });

    it('fails closed with keys_unavailable (503) when the JWKS cannot be fetched', async () => {
      const err = await refusal(verifier({ jwksUri: `${idp.issuer}/no-jwks-here` }).verify(await idp.accessToken()));
      expect(err).toBeInstanceOf(KeysUnavailableError);
      expect(err.status).toBe(503);
    });
  });

  describe('token status (draft-ietf-oauth-status-list §8.3)', () => {
    it('refuses INVALID as token_revoked, SUSPENDED as token_suspended, and any other status', async () => {
      const name = list([0, 1, 2, 3]);
      const v = verifier();
      expect((await refusal(v.verify(await idp.tokenWithStatus(name, 1)))).code).toBe('token_revoked');
      expect((await refusal(v.verify(await idp.tokenWithStatus(name, 2)))).code).toBe('token_suspended');
      const other = await refusal(v.verify(await idp.tokenWithStatus(name, 3)));
      expect([other.code, other.status, other.bearerError]).toEqual(['token_status_not_valid', 401, 'invalid_token']);
      expect(idp.listFetches(name)).toBe(1);
    });

    it('refuses an index outside the list (§8.3 step 4)', async () => {
      const name = list([0, 0, 0, 0]);
      const err = await refusal(verifier().verify(await idp.tokenWithStatus(name, 4)));
      expect(err).toBeInstanceOf(InvalidTokenError);
      expect(err.message).toContain('outside its status list');
    });

    it('refuses a malformed status claim', async () => {
      const v = verifier();
      for (const status of [{ status_list: { idx: -1, uri: idp.statusListUri('x') } }, { status_list: { idx: 0 } }, { status_list: 'x' }, 'x']) {
        expect((await refusal(v.verify(await idp.accessToken({ status })))).code).toBe('invalid_token');
      }
    });

    it.each<[string, Partial<TestStatusList>]>([
      ['whose sub is not the uri', { sub: 'https://elsewhere.example/statuslists/1' }],
      ['signed by a key the JWKS does not publish', { signedByStranger: true }],
      ['whose typ is not statuslist+jwt', { typ: 'JWT' }],
      ['that has expired', { expiresIn: -120 }],
      ['served as another content type', { contentType: 'application/jwt' }],
    ])('fails closed (status_unavailable, 503) on a list %s', async (_why, setup) => {
      const name = list([0], setup);
      const err = await refusal(verifier().verify(await idp.tokenWithStatus(name, 0)));
      expect(err).toBeInstanceOf(StatusUnavailableError);
      expect(err.status).toBe(503);
    });

    it('fetches a list once for many concurrent verifications (single flight)', async () => {
      const name = list([0, 1]);
      const v = verifier();
      const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => idp.tokenWithStatus(name, i % 2)));
      const outcomes = await Promise.allSettled(tokens.map((t) => v.verify(t)));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
      expect(idp.listFetches(name)).toBe(1);
    });

    it('sees a status change once the ttl is over, and not before', async () => {
      const name = list([0], { ttl: 1 });
      const v = verifier({ statusList: { refreshAhead: 1 } });
      const token = await idp.tokenWithStatus(name, 0);
      await v.verify(token);
      idp.lists.get(name)!.statuses = [1];
      await expect(v.verify(token)).resolves.toBeDefined();
      await sleep(1100);
      expect((await refusal(v.verify(token))).code).toBe('token_revoked');
      expect(idp.listFetches(name)).toBe(2);
    });

    it('refreshes in the background before the ttl ends, while lookups use the list it has', async () => {
      const name = list([0], { ttl: 2 });
      const v = verifier({ statusList: { refreshAhead: 0.25 } });
      const token = await idp.tokenWithStatus(name, 0);
      await v.verify(token);
      const fetchedAt = Date.now();
      await sleep(600);
      idp.lists.get(name)!.statuses = [1];
      await expect(v.verify(token)).resolves.toBeDefined();
      // The background refresh lands well before the 2 s ttl would have forced one.
      let code: string | undefined;
      while (!code && Date.now() - fetchedAt < 1900) {
        code = await v.verify(token).then(() => undefined, (err: ResourceServerError) => err.code);
        if (!code) await sleep(20);
      }
      expect(code).toBe('token_revoked');
      expect(idp.listFetches(name)).toBe(2);
    });

    it('keeps the last good list through the grace when refreshes fail, then fails closed saying why', async () => {
      const name = list([0], { ttl: 1 });
      const v = verifier({ statusList: { graceFactor: 1, refreshAhead: 1 } });
      const token = await idp.tokenWithStatus(name, 0);
      await v.verify(token);
      idp.lists.get(name)!.failing = true;
      await sleep(1100);
      await expect(v.verify(token)).resolves.toBeDefined();
      expect(idp.listFetches(name)).toBe(2);
      await sleep(1000);
      const err = await refusal(v.verify(token));
      expect(err).toBeInstanceOf(StatusUnavailableError);
      expect(err.message).toMatch(/cannot be refreshed \(status list: HTTP 500\) and its last good copy is past its grace/);
    });

    it('uses the default ttl for a list without one, held within minTtl and maxTtl', async () => {
      const name = list([0], { ttl: undefined });
      const v = verifier({ statusList: { defaultTtl: 3600, maxTtl: 1, refreshAhead: 1 } });
      const token = await idp.tokenWithStatus(name, 0);
      await v.verify(token);
      await sleep(1100);
      await v.verify(token);
      expect(idp.listFetches(name)).toBe(2);
    });
  });

  describe('where it sends requests', () => {
    it('fetches status lists only from the issuer origin or an allowed one, and checks each redirect', async () => {
      const name = list([0]);
      const elsewhere = idp.statusListUri(name).replace('127.0.0.1', 'localhost');
      const err = await refusal(verifier().verify(await idp.accessToken({ status: { status_list: { idx: 0, uri: elsewhere } } })));
      expect([err.code, err.message]).toEqual(['invalid_token', "The access token's status list is on an origin this resource server does not fetch from."]);
      const redirecting = list([0], { redirectTo: elsewhere });
      const redirected = await refusal(verifier().verify(await idp.tokenWithStatus(redirecting, 0)));
      expect(redirected).toBeInstanceOf(StatusUnavailableError);
      expect(redirected.message).toContain('neither the issuer');
      expect(idp.listFetches(name)).toBe(0);
    });

    it('follows a redirect within the allowed origins', async () => {
      const target = list([0, 1]);
      const redirecting = list([], { redirectTo: idp.statusListUri(target) });
      // The list's sub is that of the uri the token names, wherever it is served from.
      idp.lists.get(target)!.sub = idp.statusListUri(redirecting);
      await expect(verifier().verify(await idp.tokenWithStatus(redirecting, 0))).resolves.toBeDefined();
      expect(idp.listFetches(target)).toBe(1);
    });

    it('refuses to start with an http issuer that is not an allowed origin, or with HMAC or none', () => {
      expect(() => createTokenVerifier({ issuer: idp.issuer, audience: TEST_AUDIENCE })).toThrow("neither the issuer's https origin nor an allowed origin");
      expect(() => verifier({ algorithms: ['HS256'] })).toThrow('asymmetric');
      expect(() => verifier({ algorithms: ['none'] })).toThrow('asymmetric');
      expect(() => verifier({ withoutStatus: 'introspect' })).toThrow('introspection');
      expect(() => verifier({ introspection: { endpoint: 'https://elsewhere.example/introspect', clientId: 'a', clientSecret: 'b' } })).toThrow('introspection URL');
    });
  });

  describe('reference tokens (RFC 7662)', () => {
    function introspecting(cacheTtl = 5, clientSecret = idp.introspectionClient.secret) {
      return verifier({ introspection: { endpoint: `${idp.issuer}/introspect`, clientId: idp.introspectionClient.id, clientSecret, cacheTtl } });
    }

    it('accepts an active token with its claims and scopes, and caches the answer for cacheTtl', async () => {
      const token = `ref_${randomUUID()}`;
      idp.references.set(token, { active: true, scope: 'orders:read', sub: 'user-2', client_id: 'c', token_type: 'Bearer', iss: idp.issuer, aud: TEST_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 });
      const v = introspecting(1);
      const calls = idp.introspectionRequests;
      const [first] = await Promise.all([v.verify(token), v.verify(token), v.verify(token)]);
      expect(first).toMatchObject({ token, scopes: ['orders:read'], payload: { sub: 'user-2' } });
      expect(first.payload).not.toHaveProperty('active');
      await v.verify(token);
      expect(idp.introspectionRequests).toBe(calls + 1);
      idp.references.set(token, { active: false });
      await expect(v.verify(token)).resolves.toBeDefined();
      await sleep(1100);
      expect((await refusal(v.verify(token))).code).toBe('invalid_token');
      expect(idp.introspectionRequests).toBe(calls + 2);
    });

    it('refuses inactive tokens, refresh tokens and tokens for another audience or issuer', async () => {
      const v = introspecting(0);
      const answers = [{ active: false }, { active: true, token_type: 'refresh_token' }, { active: true, aud: 'https://other-api.example' }, { active: true, iss: 'https://other.example' }, { active: true, exp: 1 }];
      for (const answer of answers) {
        const token = `ref_${randomUUID()}`;
        idp.references.set(token, answer);
        expect([answer, (await refusal(v.verify(token))).code]).toEqual([answer, 'invalid_token']);
      }
    });

    it('fails closed (status_unavailable) when the endpoint refuses this server or cannot be reached', async () => {
      const token = `ref_${randomUUID()}`;
      idp.references.set(token, { active: true });
      expect((await refusal(introspecting(5, 'wrong').verify(token))).message).toBe('The introspection endpoint answered HTTP 401.');
      const unreachable = verifier({ introspection: { endpoint: `${idp.issuer}/nothing-here`, clientId: 'a', clientSecret: 'b' } });
      expect((await refusal(unreachable.verify(token))).code).toBe('status_unavailable');
    });

    it('refuses a token that is not a JWT when no introspection endpoint is configured', async () => {
      expect((await refusal(verifier().verify('opaque-token'))).code).toBe('invalid_token');
    });
  });
});
