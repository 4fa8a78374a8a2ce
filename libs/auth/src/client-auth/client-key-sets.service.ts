import { Injectable } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, JSONWebKeySet } from 'jose';
import { OutboundHttp } from '@app/common';
import type { ClientEntity } from '@app/store';

/** What a client's registered public keys may verify: asymmetric algorithms only, never a shared secret. */
export const ASYMMETRIC_JWS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export type KeySet = ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>;

const MAX_CACHED = 1000;
/** A remote JWKS is re-fetched at most this often, and at once for an unknown `kid` (after a short cooldown). */
const REMOTE_CACHE_MAX_AGE_MS = 10 * 60_000;
const REMOTE_TIMEOUT_MS = 5_000;
/** Bytes of a remote JWKS read at most (20 keys are a few KiB). */
const REMOTE_MAX_BYTES = 64 * 1024;

/**
 * The public keys a client registered to sign its JWTs: the inline `jwks`, else the keys
 * published at its `jwks_uri` (fetched by jose through OutboundHttp, so within the outbound URL
 * policy and a size limit; cached, refreshed on key rotation). Shared by private_key_jwt client
 * authentication and the global-token-revocation+jwt assertions.
 */
@Injectable()
export class ClientKeySets {
  private readonly cache = new Map<string, KeySet>();
  private readonly fetchJwks?: ReturnType<OutboundHttp['fetcher']>;

  /** Without OutboundHttp (unit tests), only inline keys are used. */
  constructor(outbound?: OutboundHttp) {
    this.fetchJwks = outbound?.fetcher(REMOTE_MAX_BYTES);
  }

  hasKeys(client: ClientEntity): boolean {
    return (client.jwks?.keys?.length ?? 0) > 0 || !!client.jwksUri;
  }

  forClient(client: ClientEntity): KeySet | undefined {
    if (client.jwks && client.jwks.keys?.length > 0) {
      // Keyed by the registration's content, so an updated JWKS is used at once.
      return this.cached(`inline:${client.clientId}:${JSON.stringify(client.jwks)}`, () => createLocalJWKSet(client.jwks as unknown as JSONWebKeySet));
    }
    if (client.jwksUri && this.fetchJwks) {
      const fetchJwks = this.fetchJwks;
      return this.cached(`uri:${client.jwksUri}`, () =>
        createRemoteJWKSet(new URL(client.jwksUri!), { timeoutDuration: REMOTE_TIMEOUT_MS, cacheMaxAge: REMOTE_CACHE_MAX_AGE_MS, cooldownDuration: 30_000, [customFetch]: fetchJwks }),
      );
    }
    return undefined;
  }

  private cached(key: string, create: () => KeySet): KeySet {
    let set = this.cache.get(key);
    if (!set) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      set = create();
      this.cache.set(key, set);
    }
    return set;
  }
}
