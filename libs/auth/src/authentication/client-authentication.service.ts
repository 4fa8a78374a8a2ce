import { Injectable } from '@nestjs/common';
import { ApiError, connectionSignal, invalidClient, isThenable, MaybeAsync } from '@app/common';
import { AuthFailureLimiter } from '../client-auth/auth-failure-limiter.service';
import type { ClientAuthMethod, ClientAuthRequest } from '../client-auth/client-auth-method';
import { ClientAuthMethods } from '../client-auth/client-auth-methods.service';
import type { RequestAuth } from '../request-auth';

/**
 * Authenticates an OAuth client with the one registered method its request presents
 * (ClientAuthMethods: client_secret_basic, client_secret_post, private_key_jwt and the host's).
 * None is a 401, several a 400 (RFC 6749 §2.3). Failed authentications (401) count against the
 * client id and the address, the failure taken before the check and given back when it passes;
 * past the limit the attempt is refused with 429 before any credential is checked
 * (AuthFailureLimiter). Credentials verified in the last minute are not a
 * guess and pass without asking the limiter (the secret methods check that themselves), so a
 * locked-out client id or address does not lock out the callers already using it, and the hot
 * path pays no counter lookup (a Redis round trip with REDIS_URL).
 *
 * Sets `req.auth` on success. Every guard that authenticates clients calls this.
 */
@Injectable()
export class ClientAuthentication {
  constructor(private readonly methods: ClientAuthMethods, private readonly failures: AuthFailureLimiter) {}

  // Not async: a method that answers synchronously (credentials verified in the last minute)
  // makes this a plain value, which Nest does not await; the hot paths cost no promise here.
  authenticate(req: ClientAuthRequest): MaybeAsync<RequestAuth> {
    const method = this.methods.presentedIn(req);
    if (this.failures.enabled && !method.checksFailureLimit) return this.limited(req, method, req.ip);
    let outcome: MaybeAsync<RequestAuth>;
    try {
      outcome = method.authenticate(req);
      if (!isThenable(outcome)) return (req.auth = registered(outcome, method));
    } catch (err) {
      return this.refused(err, req, method, req.ip);
    }
    // Read now, before any I/O: once a caller resets its connection its address is gone, and its count with it.
    const ip = req.ip;
    return outcome.then(
      (auth) => (req.auth = registered(auth, method)),
      (err: unknown) => this.refused(err, req, method, ip),
    );
  }

  /** A method that does not count its own failures: the failure is taken before it checks anything. */
  private async limited(req: ClientAuthRequest, method: ClientAuthMethod, ip: string | undefined): Promise<RequestAuth> {
    const reservation = await this.failures.reserve(method.presentedClientId(req), ip, connectionSignal(req));
    try {
      const auth = registered(await method.authenticate(req), method);
      void reservation.release();
      return (req.auth = auth);
    } catch (err) {
      if (isRefusal(err)) reservation.keep(err);
      else void reservation.release();
      throw err;
    }
  }

  /**
   * Only a refused credential counts: not a malformed request (400), not a store outage (503);
   * once, whether the method counted it or not. A refusal that names no client id (an unknown
   * API key) counts against the address.
   */
  private async refused(err: unknown, req: ClientAuthRequest, method: ClientAuthMethod, ip: string | undefined): Promise<never> {
    if (this.failures.enabled && isRefusal(err) && !this.failures.isCounted(err)) await this.failures.recordFailure(method.presentedClientId(req), ip);
    throw err;
  }
}

function isRefusal(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}

/**
 * Whatever a method returns names a stored client registered with that method: checked here too,
 * so no method can skip it. Refused as any other credentials are, without saying why.
 */
function registered(auth: RequestAuth, method: ClientAuthMethod): RequestAuth {
  if (auth.client?.tokenEndpointAuthMethod !== method.name || auth.client.clientId !== auth.clientId) throw invalidClient();
  return auth;
}
