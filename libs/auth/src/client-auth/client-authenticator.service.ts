import { hash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiError, invalidClient, MaybeAsync } from '@app/common';
import { ClientEntity } from '@app/store';
import { ClientCache } from '../state/client-cache.service';
import { AuthFailureLimiter } from './auth-failure-limiter.service';
import { verifySecret } from '../secrets/secret-hasher';
import type { AuthMethod, RequestAuth } from '../request-auth';

const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

/**
 * Checks a client's id and secret. A slow scrypt verification is remembered for a minute,
 * keyed by a digest of (id, presented secret, stored hash): a new secret or a changed
 * client never matches an old entry, and no raw secret is kept in memory.
 */
@Injectable()
export class ClientAuthenticator {
  private readonly verified = new Map<string, number>();
  /** Verifications under way: concurrent requests with the same credentials share one scrypt run. */
  private readonly pending = new Map<string, Promise<boolean>>();
  private cacheHits = 0;
  private cacheMisses = 0;

  constructor(private readonly clients: ClientCache, private readonly failures: AuthFailureLimiter) {}

  /**
   * `ip` is the caller's address: credentials not verified in the last minute are a possible
   * guess, and AuthFailureLimiter may refuse them (429) before the secret is checked.
   *
   * Not async: a cached client whose credentials were verified in the last minute is answered
   * at once, without a promise (the status check and introspection then pay none for it);
   * anything else (a store read, scrypt, a refusal) goes through verify().
   */
  authenticate(clientId: string, secret: string, method: AuthMethod, ip?: string): MaybeAsync<RequestAuth> {
    if (!wellFormed(clientId, secret)) return this.malformed(clientId, ip);
    const cached = this.clients.cached(clientId);
    return this.verifiedAuth(cached, secret, method) ?? this.verify(clientId, secret, method, ip, cached);
  }

  /**
   * Who called, when these credentials were verified in the last minute for the client as the
   * index holds it now; otherwise undefined, having counted, awaited and refused nothing. The hot
   * path of a method that does its full check elsewhere (client_secret_basic runs passport on a miss).
   */
  recentlyVerified(clientId: string, secret: string, method: AuthMethod): RequestAuth | undefined {
    return wellFormed(clientId, secret) ? this.verifiedAuth(this.clients.cached(clientId), secret, method) : undefined;
  }

  /**
   * The stored client, which must be registered with `method`: every client authentication
   * method checks this before its credentials, so a client cannot pick a weaker method than its own.
   */
  async registeredClient(clientId: string, method: AuthMethod): Promise<ClientEntity> {
    return registered(await this.clients.get(clientId), method);
  }

  /** Secret checks answered from the cache and run (or joined) through scrypt, since start. */
  cacheStats(): { hits: number; misses: number } {
    return { hits: this.cacheHits, misses: this.cacheMisses };
  }

  private async malformed(clientId: string, ip: string | undefined): Promise<never> {
    await this.failures.assertAllowed(clientId || undefined, ip);
    throw invalidClient('Unknown client or bad credentials.');
  }

  /** `cached`: what the index answered for the client a moment ago (undefined: only the store can say). */
  private async verify(clientId: string, secret: string, method: AuthMethod, ip: string | undefined, cached: ClientEntity | null | undefined): Promise<RequestAuth> {
    let client: ClientEntity;
    try {
      client = cached === undefined ? await this.registeredClient(clientId, method) : registered(cached, method);
    } catch (err) {
      // A refusal may be a guess (429 past the limit); a store outage is not.
      if (err instanceof ApiError && err.status === 401) await this.failures.assertAllowed(clientId, ip);
      throw err;
    }
    if (!(await this.secretMatches(client, secret, ip))) throw invalidClient('Bad client secret.');
    return authOf(client, method);
  }

  private verifiedAuth(cached: ClientEntity | null | undefined, secret: string, method: AuthMethod): RequestAuth | undefined {
    return cached?.secretHash && cached.tokenEndpointAuthMethod === method && this.isVerified(verifiedKey(cached, secret)) ? authOf(cached, method) : undefined;
  }

  private isVerified(key: string): boolean {
    const until = this.verified.get(key);
    if (until === undefined || until <= Date.now()) return false;
    this.cacheHits++;
    return true;
  }

  private async secretMatches(client: ClientEntity, secret: string, ip: string | undefined): Promise<boolean> {
    if (!client.secretHash) return false;
    const key = verifiedKey(client, secret);
    if (this.isVerified(key)) return true;
    this.cacheMisses++;
    await this.failures.assertAllowed(client.clientId, ip);
    const running = this.pending.get(key);
    if (running) return running;
    const check = verifySecret(secret, client.secretHash)
      .then((ok) => {
        if (ok) {
          if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value as string);
          this.verified.set(key, Date.now() + VERIFIED_TTL_MS);
        }
        return ok;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, check);
    return check;
  }
}

function wellFormed(clientId: string, secret: string): boolean {
  return clientId !== '' && clientId.length <= 255 && secret.length <= 1024;
}

/** What a verification is remembered by: a new secret or a changed client never matches an old entry. */
function verifiedKey(client: ClientEntity, secret: string): string {
  return hash('sha256', `${client.clientId}\0${secret}\0${client.secretHash}`, 'base64url');
}

function registered(client: ClientEntity | null, method: AuthMethod): ClientEntity {
  if (!client) throw invalidClient('Unknown client.');
  if (client.tokenEndpointAuthMethod !== method) throw invalidClient(`The authentication method ${method} is not allowed for this client.`);
  return client;
}

function authOf(client: ClientEntity, method: AuthMethod): RequestAuth {
  return { method, clientId: client.clientId, scopes: client.scopes, client };
}
