import { ApiError, AuthFailureConfig, invalidClient } from '@app/common';
import { ClientAuthentication } from '../authentication/client-authentication.service';
import type { ClientAuthMethod, ClientAuthRequest } from './client-auth-method';
import type { ClientAuthMethods } from './client-auth-methods.service';
import { AuthFailureLimiter, failureDelayMs, FAILURE_MAX_DELAY_MS } from './auth-failure-limiter.service';

const limiter = (failures: Partial<AuthFailureConfig>) =>
  new AuthFailureLimiter({ perClient: 5, perIp: 100, window: 60, mode: 'lockout', exemptAddresses: [], ...failures }, { keyPrefix: 'test:' });

async function status(p: Promise<unknown>): Promise<number | 'ok'> {
  return p.then(() => 'ok' as const, (e: unknown) => (e as ApiError).status);
}

describe('AuthFailureLimiter', () => {
  it('counts each failure before its check: of concurrent attempts, only as many as the limit are let through', async () => {
    const l = limiter({ perClient: 5 });
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => status(l.reserve('c1', '192.0.2.1'))));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 429)).toHaveLength(15);
  });

  it('gives a failure back when the check passes, and says whether the success may be remembered', async () => {
    const l = limiter({ perClient: 5 });
    expect(await (await l.reserve('c2', '192.0.2.1')).release()).toBe(true);
    for (let i = 0; i < 3; i++) await l.reserve('c2', '192.0.2.1');
    expect(await (await l.reserve('c2', '192.0.2.1')).release()).toBe(true);
    await l.reserve('c2', '192.0.2.1');
    // Four failures kept: a fifth check uses the last one the window allows; its success is not remembered.
    expect(await (await l.reserve('c2', '192.0.2.1')).release()).toBe(false);
    // Given back: one more attempt is let through, then the id is locked.
    await l.reserve('c2', '192.0.2.1');
    expect(await status(l.reserve('c2', '192.0.2.1'))).toBe(429);
  });

  it('in delay mode, lets every attempt through after a growing wait, and remembers successes', async () => {
    expect([1, 2, 3, 4, 5, 40].map(failureDelayMs)).toEqual([500, 1000, 2000, 4000, FAILURE_MAX_DELAY_MS, FAILURE_MAX_DELAY_MS]);
    expect(failureDelayMs(0)).toBe(0);
    const l = limiter({ perClient: 1, mode: 'delay' });
    await l.reserve('c3', '192.0.2.1');
    const gone = new AbortController();
    gone.abort();
    // Past the limit: no 429; a caller that has gone is not kept waiting.
    const late = await l.reserve('c3', '192.0.2.1', gone.signal);
    expect(await late.release()).toBe(true);
    await expect(l.assertAllowed('c3', '192.0.2.1')).resolves.toBeUndefined();
  });

  it('never holds an exempt address by the client id\'s count, which its failures do not raise; the address\'s own count still applies', async () => {
    const l = limiter({ perClient: 2, perIp: 3, exemptAddresses: ['10.8.0.0/16', '2001:db8::/32'] });
    for (let i = 0; i < 2; i++) await l.reserve('c4', '192.0.2.9');
    expect(await status(l.reserve('c4', '192.0.2.10'))).toBe(429);
    for (const ip of ['10.8.3.4', '::ffff:10.8.3.5', '2001:db8::1']) expect(await status(l.reserve('c4', ip))).toBe('ok');
    for (let i = 0; i < 2; i++) await l.reserve('c4', '10.8.3.4');
    expect(await status(l.reserve('c4', '10.8.3.4'))).toBe(429);
    expect(await status(l.reserve('c5', '10.8.9.9'))).toBe('ok');
  });
});

describe('ClientAuthentication counts refusals', () => {
  const request = (ip: string): ClientAuthRequest => ({ headers: { 'x-api-key': 'unknown' }, ip });
  const apiKey: ClientAuthMethod = {
    name: 'api_key',
    presentedBy: () => true,
    presentedClientId: () => undefined,
    authenticate: async () => {
      throw invalidClient('Unknown API key');
    },
  };

  it('of a method whose credentials name no client (an unknown API key) against the address', async () => {
    const auth = new ClientAuthentication({ presentedIn: () => apiKey } as unknown as ClientAuthMethods, limiter({ perIp: 3 }));
    for (let i = 0; i < 3; i++) expect(await status(Promise.resolve(auth.authenticate(request('192.0.2.30'))))).toBe(401);
    expect(await status(Promise.resolve(auth.authenticate(request('192.0.2.30'))))).toBe(429);
    expect(await status(Promise.resolve(auth.authenticate(request('192.0.2.31'))))).toBe(401);
  });

  it('against the address read when the request arrived, though the caller has gone (and its address with it) by the refusal', async () => {
    for (const checksFailureLimit of [false, true]) {
      const failures = limiter({ perClient: 0, perIp: 2 });
      const auth = new ClientAuthentication({ presentedIn: () => slow } as unknown as ClientAuthMethods, failures);
      let connected = true;
      const req = { headers: {}, get ip() { return connected ? '192.0.2.60' : undefined; } } as ClientAuthRequest;
      // A secret checked for a while, during which the caller resets its connection: a socket without a handle has no address.
      const slow: ClientAuthMethod = {
        name: 'slow', checksFailureLimit, presentedBy: () => true, presentedClientId: () => 'c7',
        authenticate: async () => {
          await new Promise((r) => setTimeout(r, 5));
          connected = false;
          throw invalidClient();
        },
      };
      for (let i = 0; i < 2; i++) {
        connected = true;
        expect(await status(Promise.resolve(auth.authenticate(req)))).toBe(401);
      }
      expect(await status(failures.assertAllowed(undefined, '192.0.2.60'))).toBe(429);
    }
  });

  it('once, when the secret method counted it already', async () => {
    const failures = limiter({ perIp: 2 });
    const counted: ClientAuthMethod = {
      name: 'client_secret_post', checksFailureLimit: true, presentedBy: () => true, presentedClientId: () => 'c6',
      authenticate: async () => {
        const reservation = await failures.reserve('c6', '192.0.2.40');
        const err = invalidClient();
        reservation.keep(err);
        throw err;
      },
    };
    const auth = new ClientAuthentication({ presentedIn: () => counted } as unknown as ClientAuthMethods, failures);
    for (let i = 0; i < 2; i++) expect(await status(Promise.resolve(auth.authenticate(request('192.0.2.40'))))).toBe(401);
    expect(await status(Promise.resolve(auth.authenticate(request('192.0.2.40'))))).toBe(429);
  });
});
