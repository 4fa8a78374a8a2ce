import { hash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ApiError, invalidClient, MaybeAsync } from '@app/common';
import { ClientEntity, ClientRepository } from '@app/store';
import { ClientCache } from '../state/client-cache.service';
import { AuthFailureLimiter } from './auth-failure-limiter.service';
import { generateSecret, hashClientSecret, hashSecret, isFastHash, looksGenerated, needsFastHash, verifySecret } from '../secrets/secret-hasher';
import type { AuthMethod, RequestAuth } from '../request-auth';

const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

let unknownClientHashes: { scrypt: Promise<string>; fast: Promise<string> } | undefined;

/**
 * What the secret presented for an unknown client is checked against: the hash of a random
 * secret, made once per process in the format a real client's check of that secret would use
 * (the fast one for a secret that looks generated, else scrypt), so that the check costs what a
 * wrong secret's does.
 */
function hashForUnknownClients(secret: string): Promise<string> {
  unknownClientHashes ??= { scrypt: hashSecret(generateSecret()), fast: hashClientSecret(generateSecret()) };
  return looksGenerated(secret) ? unknownClientHashes.fast : unknownClientHashes.scrypt;
}

/**
 * Checks a client's id and secret. A verification is remembered for a minute, keyed by a digest
 * of (id, presented secret, stored hash): a new secret or a changed client never matches an old
 * entry, and no raw secret is kept in memory. One verified while a failure limit stood at its
 * end is not remembered (AuthFailureLimiter.reserve).
 *
 * An unknown client, a client registered with another method and a wrong secret get the same
 * answer after the same work (one secret verification, in the format a real client's would
 * take), so that neither the message nor the time taken tells a guesser which client ids exist
 * or how they authenticate.
 *
 * A scrypt hash of a secret that looks generated is replaced by the fast format at its next
 * successful check (secret-hasher's looksGenerated).
 */
@Injectable()
export class ClientAuthenticator {
  private readonly logger = new Logger('ClientAuthenticator');
  private readonly verified = new Map<string, number>();
  /** Verifications under way: concurrent requests with the same credentials share one check, and one counted failure. */
  private readonly pending = new Map<string, Promise<boolean>>();
  /** Secret hashes being replaced by the fast format, by client id. */
  private readonly upgrading = new Map<string, Promise<void>>();
  private cacheHits = 0;
  private cacheMisses = 0;

  constructor(private readonly clients: ClientCache, private readonly failures: AuthFailureLimiter, private readonly repo: ClientRepository) {
    // Made now rather than at the first unknown client, whose refusal would otherwise take twice as long.
    void hashForUnknownClients('');
  }

  /**
   * `ip` is the caller's address, read when its request arrived: credentials not verified in the
   * last minute are a possible guess, which counts a failure with AuthFailureLimiter before it is
   * checked, and may be refused (429) instead. `signal` aborts when the caller has gone: its
   * check, still waiting for a hashing turn, is dropped.
   *
   * Not async: a cached client whose credentials were verified in the last minute is answered
   * at once, without a promise (the status check and introspection then pay none for it);
   * anything else (a store read, a hash, a refusal) goes through verify().
   */
  authenticate(clientId: string, secret: string, method: AuthMethod, ip?: string, signal?: AbortSignal): MaybeAsync<RequestAuth> {
    if (!wellFormed(clientId, secret)) return this.malformed(clientId, ip);
    const cached = this.clients.cached(clientId);
    return this.verifiedAuth(cached, secret, method) ?? this.verify(clientId, secret, method, ip, signal, cached);
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

  /** Secret checks answered from the cache and run (or joined) through a hash, since start. */
  cacheStats(): { hits: number; misses: number } {
    return { hits: this.cacheHits, misses: this.cacheMisses };
  }

  private async malformed(clientId: string, ip: string | undefined): Promise<never> {
    await this.failures.assertAllowed(clientId || undefined, ip);
    throw invalidClient();
  }

  /**
   * `cached`: what the index answered for the client a moment ago (undefined: only the store can
   * say; a store outage is thrown as is). The secret is checked, against a stand-in hash when
   * there is no client to check it for, before anything is refused. A fast hash holds only a
   * secret that looks generated, so any other secret is checked against the scrypt stand-in:
   * refused after the work a scrypt client's refusal takes.
   */
  private async verify(clientId: string, secret: string, method: AuthMethod, ip: string | undefined, signal: AbortSignal | undefined, cached: ClientEntity | null | undefined): Promise<RequestAuth> {
    const stored = cached === undefined ? await this.clients.get(clientId) : cached;
    const client = stored?.tokenEndpointAuthMethod === method ? stored : null;
    const comparable = client?.secretHash && (looksGenerated(secret) || !isFastHash(client.secretHash));
    const secretHash = comparable ? client!.secretHash! : await hashForUnknownClients(secret);
    if (!(await this.secretMatches(clientId, secretHash, secret, ip, signal)) || !client) throw this.countedRefusal();
    if (needsFastHash(secret, secretHash)) await this.upgrade(client, secretHash, secret);
    return authOf(client, method);
  }

  private verifiedAuth(cached: ClientEntity | null | undefined, secret: string, method: AuthMethod): RequestAuth | undefined {
    return cached?.secretHash && cached.tokenEndpointAuthMethod === method && this.isVerified(verifiedKey(cached.clientId, cached.secretHash, secret)) ? authOf(cached, method) : undefined;
  }

  private isVerified(key: string): boolean {
    const until = this.verified.get(key);
    if (until === undefined || until <= Date.now()) return false;
    this.cacheHits++;
    return true;
  }

  private secretMatches(clientId: string, secretHash: string, secret: string, ip: string | undefined, signal: AbortSignal | undefined): Promise<boolean> {
    const key = verifiedKey(clientId, secretHash, secret);
    if (this.isVerified(key)) return Promise.resolve(true);
    this.cacheMisses++;
    const running = this.pending.get(key);
    if (running) return running;
    const check = this.check(key, clientId, secretHash, secret, ip, signal).finally(() => this.pending.delete(key));
    this.pending.set(key, check);
    return check;
  }

  /** One verification, its failure counted before it runs and given back if it passes; remembered when the limiter allows. */
  private async check(key: string, clientId: string, secretHash: string, secret: string, ip: string | undefined, signal: AbortSignal | undefined): Promise<boolean> {
    const reservation = await this.failures.reserve(clientId, ip, signal);
    let ok: boolean;
    try {
      ok = await verifySecret(secret, secretHash, { signal, urgent: true });
    } catch (err) {
      // Refused a hashing turn, or dropped with its caller: nothing was checked, nothing learnt.
      void reservation.release();
      throw err;
    }
    if (ok && (await reservation.release())) {
      if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(key, Date.now() + VERIFIED_TTL_MS);
    }
    return ok;
  }

  /** The refusal of a check whose failure its reservation counted (ClientAuthentication counts it no further). */
  private countedRefusal(): ApiError {
    const err = invalidClient();
    this.failures.markCounted(err);
    return err;
  }

  /**
   * Stores the fast hash of a generated-looking secret in place of its scrypt hash, once per
   * client however many check it at once; only over that scrypt hash (a secret rotated meanwhile
   * stays). A failure costs nothing but the next check's scrypt run, so it is logged, not thrown.
   */
  private upgrade(client: ClientEntity, from: string, secret: string): Promise<void> {
    const running = this.upgrading.get(client.clientId);
    if (running) return running;
    const upgrade = hashClientSecret(secret)
      .then((to) => this.repo.replaceSecretHash(client.clientId, from, to))
      .then(() => this.clients.forget(client.clientId))
      .catch((err: unknown) => this.logger.warn(`Could not store the fast hash of client ${JSON.stringify(client.clientId)}'s secret: ${(err as Error)?.message ?? String(err)}`))
      .finally(() => this.upgrading.delete(client.clientId));
    this.upgrading.set(client.clientId, upgrade);
    return upgrade;
  }
}

function wellFormed(clientId: string, secret: string): boolean {
  return clientId !== '' && clientId.length <= 255 && secret.length <= 1024;
}

/** What a verification is remembered by: a new secret or a changed client never matches an old entry. */
function verifiedKey(clientId: string, secretHash: string, secret: string): string {
  return hash('sha256', `${clientId}\0${secret}\0${secretHash}`, 'base64url');
}

/** An unknown client and one registered with another method are refused alike. */
function registered(client: ClientEntity | null, method: AuthMethod): ClientEntity {
  if (client?.tokenEndpointAuthMethod !== method) throw invalidClient();
  return client;
}

function authOf(client: ClientEntity, method: AuthMethod): RequestAuth {
  return { method, clientId: client.clientId, scopes: client.scopes, client };
}
