import type { RevocationSource } from './ssf/revoked-sessions';
import { DEFAULT_MAX_STATUS_LIST_BYTES } from './status-list/status-list';

/** Durations are in seconds, like the JWT claims they meet. */
export interface TokenVerifierOptions {
  /** The issuer identifier. `iss` must equal it exactly (RFC 9068 §4); its origin is where the kit may fetch from. */
  issuer: string;
  /** This resource server's identifier(s): a token's `aud` must contain one (RFC 9068 §4). */
  audience: string | readonly string[];
  /** Where the issuer's signing keys are. Default `{issuer}/jwks`. */
  jwksUri?: string;
  /**
   * JWS algorithms accepted on access tokens and status list tokens. Default: every asymmetric
   * algorithm jose knows (RS*, PS*, ES*, EdDSA, Ed25519, ML-DSA-*), so a key the issuer adds to its JWKS works
   * without a change here; never `none` nor HMAC, whose key a JWKS must not publish.
   */
  algorithms?: readonly string[];
  /** Clock skew allowed on `exp`, `nbf` and `iat`. Default 30 (RFC 9068 §4: "usually no more than a few minutes"). */
  clockTolerance?: number;
  /**
   * Origins besides the issuer's own https origin that the kit may send requests to (status
   * lists, JWKS, introspection), e.g. `http://127.0.0.1:8080` in development. A listed origin is
   * allowed whatever its scheme. Default none.
   */
  allowedOrigins?: readonly string[];
  /** How long to wait for any answer (JWKS, status list, introspection), redirects included. Default 5. */
  httpTimeout?: number;
  jwks?: {
    /** How long fetched keys are used before they are fetched again. Default 600. */
    cacheMaxAge?: number;
    /** After a fetch, how long a token naming an unknown `kid` is refused without fetching again. Default 30. */
    cooldown?: number;
  };
  statusList?: StatusListOptions;
  /**
   * A JWT access token without a `status.status_list` claim: `reject` (default: its revocation
   * cannot be checked), `introspect` (ask the introspection endpoint, which must be configured),
   * or `accept` on its signature and claims alone.
   */
  withoutStatus?: 'reject' | 'introspect' | 'accept';
  /** RFC 7662 introspection, for reference (non-JWT) tokens and `withoutStatus: 'introspect'`. */
  introspection?: IntrospectionOptions;
  /**
   * Revocations heard by other means, consulted after the token passed: the RevokedSessions of
   * an SSF receiver (createSsfReceiver), which hears of an ended session within a second rather
   * than at the status list's next ttl. A token it names is refused as `token_revoked`.
   */
  revocations?: RevocationSource;
}

/**
 * How Status List Tokens are cached (draft-ietf-oauth-status-list §13.7 "Status List Update
 * Interval and Caching", §11.5 "Expiration and Caching").
 */
export interface StatusListOptions {
  /** Cache lifetime of a list that has no `ttl` claim (never past its `exp`). Default 60. */
  defaultTtl?: number;
  /** Bounds applied to the list's `ttl`, as §11.5 asks of clients. Defaults 5 and 300: a revocation is seen within 5 minutes even if the list says 12 hours. */
  minTtl?: number;
  maxTtl?: number;
  /**
   * When a refresh fails, the last good list stays in use for this many times its ttl after it
   * went stale, never past its `exp`; then verification fails closed (`status_unavailable`).
   * Default 2. 0 fails closed as soon as the ttl is over.
   */
  graceFactor?: number;
  /** Fraction of the ttl after which a lookup starts a background refresh, so traffic never waits on one. Default 0.8. */
  refreshAhead?: number;
  /** Largest Status List Token body accepted, in bytes. Default 4 MiB. */
  maxTokenBytes?: number;
  /** Largest decompressed list, in bytes. Default 16 MiB (2^27 one-bit entries). */
  maxListBytes?: number;
}

export interface IntrospectionOptions {
  /** The issuer's RFC 7662 endpoint, e.g. `{issuer}/introspect`. */
  endpoint: string;
  /** Credentials of this resource server, sent as client_secret_basic (RFC 6749 §2.3.1). */
  clientId: string;
  clientSecret: string;
  /** How long an answer (active or not) is reused, never past the token's `exp`. Default 5; 0 asks every time. */
  cacheTtl?: number;
  /** Answers kept at most; the oldest goes first. Default 10 000. */
  maxCacheEntries?: number;
}

/** JWS algorithms with a public key, the ones a JWKS can serve. */
export const DEFAULT_ALGORITHMS: readonly string[] = [
  'ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519', 'ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87',
];

/** The options in effect, every default applied, durations in milliseconds. */
export interface ResolvedOptions {
  issuer: string;
  audience: readonly string[];
  jwksUri: URL;
  algorithms: string[];
  clockToleranceSeconds: number;
  allowedOrigins: readonly string[];
  httpTimeoutMs: number;
  jwksCacheMaxAgeMs: number;
  jwksCooldownMs: number;
  withoutStatus: 'reject' | 'introspect' | 'accept';
  revocations?: RevocationSource;
  statusList: {
    defaultTtlMs: number;
    minTtlMs: number;
    maxTtlMs: number;
    graceFactor: number;
    refreshAhead: number;
    maxTokenBytes: number;
    maxListBytes: number;
  };
  introspection?: {
    endpoint: URL;
    clientId: string;
    clientSecret: string;
    cacheTtlMs: number;
    maxCacheEntries: number;
  };
}

/** Checks the options once, at start-up, so a mistake surfaces there rather than as refused tokens. */
export function resolveOptions(o: TokenVerifierOptions): ResolvedOptions {
  if (typeof o?.issuer !== 'string' || !URL.canParse(o.issuer)) throw new TypeError('issuer must be an absolute URL');
  const audience = typeof o.audience === 'string' ? [o.audience] : [...(o.audience ?? [])];
  if (audience.length === 0 || audience.some((a) => typeof a !== 'string' || a === '')) throw new TypeError('audience must be a non-empty string or list of them');
  const algorithms = [...(o.algorithms ?? DEFAULT_ALGORITHMS)];
  if (algorithms.length === 0 || algorithms.some((alg) => alg === 'none' || /^HS/.test(alg))) throw new TypeError('algorithms must be asymmetric JWS algorithms');
  const withoutStatus = o.withoutStatus ?? 'reject';
  if (!['reject', 'introspect', 'accept'].includes(withoutStatus)) throw new TypeError(`withoutStatus must be reject, introspect or accept, got ${String(withoutStatus)}`);
  if (withoutStatus === 'introspect' && !o.introspection) throw new TypeError("withoutStatus 'introspect' needs the introspection option");
  const sl = o.statusList ?? {};
  const minTtl = nonNegative('statusList.minTtl', sl.minTtl, 5);
  const maxTtl = nonNegative('statusList.maxTtl', sl.maxTtl, 300);
  if (minTtl <= 0 || maxTtl < minTtl) throw new TypeError('statusList: minTtl must be positive and no more than maxTtl');
  const refreshAhead = sl.refreshAhead ?? 0.8;
  if (!(refreshAhead > 0 && refreshAhead <= 1)) throw new TypeError('statusList.refreshAhead must be in (0, 1]');
  return {
    issuer: o.issuer,
    audience,
    jwksUri: new URL(o.jwksUri ?? `${o.issuer.replace(/\/+$/, '')}/jwks`),
    algorithms,
    clockToleranceSeconds: nonNegative('clockTolerance', o.clockTolerance, 30),
    allowedOrigins: [...(o.allowedOrigins ?? [])],
    httpTimeoutMs: nonNegative('httpTimeout', o.httpTimeout, 5) * 1000,
    jwksCacheMaxAgeMs: nonNegative('jwks.cacheMaxAge', o.jwks?.cacheMaxAge, 600) * 1000,
    jwksCooldownMs: nonNegative('jwks.cooldown', o.jwks?.cooldown, 30) * 1000,
    withoutStatus,
    ...(o.revocations && { revocations: o.revocations }),
    statusList: {
      defaultTtlMs: nonNegative('statusList.defaultTtl', sl.defaultTtl, 60) * 1000,
      minTtlMs: minTtl * 1000,
      maxTtlMs: maxTtl * 1000,
      graceFactor: nonNegative('statusList.graceFactor', sl.graceFactor, 2),
      refreshAhead,
      maxTokenBytes: positiveInteger('statusList.maxTokenBytes', sl.maxTokenBytes, 4 * 1024 * 1024),
      maxListBytes: positiveInteger('statusList.maxListBytes', sl.maxListBytes, DEFAULT_MAX_STATUS_LIST_BYTES),
    },
    ...(o.introspection && { introspection: resolveIntrospection(o.introspection) }),
  };
}

function resolveIntrospection(i: IntrospectionOptions): NonNullable<ResolvedOptions['introspection']> {
  if (typeof i.endpoint !== 'string' || !URL.canParse(i.endpoint)) throw new TypeError('introspection.endpoint must be an absolute URL');
  if (typeof i.clientId !== 'string' || i.clientId === '' || typeof i.clientSecret !== 'string') throw new TypeError('introspection needs clientId and clientSecret');
  return {
    endpoint: new URL(i.endpoint),
    clientId: i.clientId,
    clientSecret: i.clientSecret,
    cacheTtlMs: nonNegative('introspection.cacheTtl', i.cacheTtl, 5) * 1000,
    maxCacheEntries: positiveInteger('introspection.maxCacheEntries', i.maxCacheEntries, 10_000),
  };
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number, got ${String(value)}`);
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}
