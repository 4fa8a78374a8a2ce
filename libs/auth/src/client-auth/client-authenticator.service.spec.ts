import type { ApiError } from '@app/common';
import type { ClientEntity, ClientRepository } from '@app/store';
import { generateSecret, hashClientSecret, hashSecret, verifySecret } from '../secrets/secret-hasher';
import { ClientCache } from '../state/client-cache.service';
import type { RevocationIndex } from '../state/revocation-index.service';
import type { AuthFailureLimiter } from './auth-failure-limiter.service';
import { ClientAuthenticator } from './client-authenticator.service';

// The real verifier, watched: which hash each refusal was checked against.
jest.mock('../secrets/secret-hasher', () => {
  const actual = jest.requireActual('../secrets/secret-hasher');
  return { ...actual, verifySecret: jest.fn(actual.verifySecret) };
});
const verifier = verifySecret as jest.MockedFunction<typeof verifySecret>;

/** `scrypt$N$r$p$salt$key`: what a verification costs, and the sizes of what it compares. */
const costOf = (stored: string) => {
  const [scheme, N, r, p, salt, key] = stored.split('$');
  return { scheme, N, r, p, saltLength: salt?.length, keyLength: key?.length };
};

describe('ClientAuthenticator: unknown client, wrong secret and wrong method are told apart by nothing', () => {
  const clients = new Map<string, ClientEntity>();
  const limiterAsked: (string | undefined)[] = [];
  let authenticator: ClientAuthenticator;

  beforeAll(async () => {
    for (const [clientId, secret, method] of [['basic-app', 'basic-secret-71', 'client_secret_basic'], ['post-app', 'post-secret-71', 'client_secret_post']]) {
      clients.set(clientId, { clientId, secretHash: await hashSecret(secret), tokenEndpointAuthMethod: method, scopes: [] } as unknown as ClientEntity);
    }
    const repo = { findById: async (id: string) => clients.get(id) ?? null } as unknown as ClientRepository;
    // A stale index: every look-up reads the "store", as on a cold instance.
    const cache = new ClientCache(repo, { isFresh: () => false } as unknown as RevocationIndex);
    const failures = {
      enabled: true,
      reserve: async (clientId?: string) => {
        limiterAsked.push(clientId);
        return { release: async () => true, keep: () => undefined };
      },
      markCounted: () => undefined,
    } as unknown as AuthFailureLimiter;
    authenticator = new ClientAuthenticator(cache, failures, repo);
  });

  beforeEach(() => {
    verifier.mockClear();
    limiterAsked.length = 0;
  });

  const refusal = async (clientId: string, secret: string) => {
    const err = await Promise.resolve(authenticator.authenticate(clientId, secret, 'client_secret_basic', '192.0.2.7')).then(() => undefined, (e: unknown) => e as ApiError);
    expect(err).toBeDefined();
    return { status: err!.status, code: err!.code, description: err!.description, headers: err!.headers };
  };

  it('runs one secret verification of the same cost for each, counts a failure with the limiter first, and answers the same', async () => {
    const realHash = clients.get('basic-app')!.secretHash!;
    const answers = [];
    const checkedAgainst: string[] = [];
    for (const [clientId, secret] of [['basic-app', 'wrong-secret'], ['nobody', 'a-guess'], ['post-app', 'post-secret-71']]) {
      verifier.mockClear();
      limiterAsked.length = 0;
      answers.push(await refusal(clientId, secret));
      expect(verifier).toHaveBeenCalledTimes(1);
      expect(verifier.mock.calls[0][0]).toBe(secret);
      checkedAgainst.push(verifier.mock.calls[0][1]!);
      expect(limiterAsked).toEqual([clientId]);
    }
    expect(answers[0]).toEqual({ status: 401, code: 'invalid_client', description: 'Client authentication failed.', headers: { 'WWW-Authenticate': expect.stringMatching(/^Basic /) } });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    // The wrong secret is checked against the client's hash; the others against one stand-in, made once, costing as much.
    const [wrongSecret, unknownClient, wrongMethod] = checkedAgainst;
    expect(wrongSecret).toBe(realHash);
    expect(unknownClient).not.toBe(realHash);
    expect(wrongMethod).toBe(unknownClient);
    expect(costOf(unknownClient)).toEqual(costOf(realHash));
  });

  it('still lets the right secret in, with the registered method', async () => {
    await expect(Promise.resolve(authenticator.authenticate('basic-app', 'basic-secret-71', 'client_secret_basic'))).resolves.toMatchObject({ clientId: 'basic-app', method: 'client_secret_basic' });
    expect(verifier).toHaveBeenCalledTimes(1);
  });

  it('checks a generated-looking secret in the fast format when a real client\'s would be, and any other secret against scrypt', async () => {
    const generated = generateSecret();
    clients.set('fast-app', { clientId: 'fast-app', secretHash: await hashClientSecret(generated), tokenEndpointAuthMethod: 'client_secret_basic', scopes: [] } as unknown as ClientEntity);
    const checked = async (clientId: string, secret: string) => {
      verifier.mockClear();
      await refusal(clientId, secret);
      return costOf(verifier.mock.calls[0][1]!).scheme;
    };
    // A wrong generated-looking guess costs the same for the fast client and for nobody.
    expect(await checked('fast-app', generateSecret())).toBe('sha256');
    expect(await checked('nobody', generateSecret())).toBe('sha256');
    // A fast hash holds only a generated-looking secret: a short guess cannot match it, and is refused after a scrypt run, as for nobody.
    expect(await checked('fast-app', 'short-guess')).toBe('scrypt');
    expect(await checked('nobody', 'short-guess')).toBe('scrypt');
    await expect(Promise.resolve(authenticator.authenticate('fast-app', generated, 'client_secret_basic'))).resolves.toMatchObject({ clientId: 'fast-app' });
  });
});
