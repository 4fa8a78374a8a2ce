import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { InvalidTokenError, KeysUnavailableError, ResourceServerError, TokenRevokedError, TokenStatusNotValidError, TokenSuspendedError } from './errors';
import { OutboundPolicy } from './http/outbound';
import { IntrospectionClient } from './introspection/introspection-client';
import { scopesOf } from './scopes';
import { StatusType, statusAt } from './status-list/status-list';
import { StatusListCache } from './status-list/status-list-cache';
import { StatusListTokenClient } from './status-list/status-list-token';
import { resolveOptions, type ResolvedOptions, type TokenVerifierOptions } from './token-verifier.options';
import type { AccessTokenClaims, TokenVerifier, VerifiedToken } from './verified-token';

/** RFC 9068 §2.2: the claims a JWT access token MUST carry. */
const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'];

/**
 * A verifier for one issuer and audience. Keep one for the life of the process: it holds the
 * JWKS, status list and introspection caches. It starts no timers and needs no closing.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  return new AccessTokenVerifier(resolveOptions(options));
}

class AccessTokenVerifier implements TokenVerifier {
  private readonly policy: OutboundPolicy;
  private readonly keys: JWTVerifyGetKey;
  private readonly statusLists: StatusListCache;
  private readonly introspection?: IntrospectionClient;

  constructor(private readonly o: ResolvedOptions) {
    this.policy = new OutboundPolicy(new URL(o.issuer), o.allowedOrigins);
    this.policy.check(o.jwksUri, 'JWKS');
    // jose caches the keys and fetches them again for a kid it does not know (rotation), at most once per cooldown.
    this.keys = createRemoteJWKSet(o.jwksUri, {
      timeoutDuration: o.httpTimeoutMs,
      cacheMaxAge: o.jwksCacheMaxAgeMs,
      cooldownDuration: o.jwksCooldownMs,
      [customFetch]: (url, init) => {
        this.policy.check(new URL(url), 'JWKS');
        return fetch(url, init);
      },
    });
    const listTokens = new StatusListTokenClient(this.keys, this.policy, {
      issuer: o.issuer,
      algorithms: o.algorithms,
      clockToleranceSeconds: o.clockToleranceSeconds,
      httpTimeoutMs: o.httpTimeoutMs,
      maxTokenBytes: o.statusList.maxTokenBytes,
      maxListBytes: o.statusList.maxListBytes,
    });
    this.statusLists = new StatusListCache((uri) => listTokens.fetch(uri), o.statusList);
    if (o.introspection) {
      this.introspection = new IntrospectionClient(this.policy, {
        ...o.introspection,
        httpTimeoutMs: o.httpTimeoutMs,
        issuer: o.issuer,
        audience: o.audience,
        clockToleranceSeconds: o.clockToleranceSeconds,
      });
    }
  }

  async verify(token: string): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token === '') throw new InvalidTokenError('The access token is empty.');
    if (!isCompactJws(token)) return this.verifyReferenceToken(token);
    const payload = await this.verifyJwt(token);
    // draft-ietf-oauth-status-list §8.3: the status is looked up only once the token itself passed.
    await this.checkStatus(payload, token);
    this.checkRevocations(payload);
    return { payload, scopes: scopesOf(payload.scope), token };
  }

  /** RFC 9068 §4, with the claims §2.2 requires. */
  private async verifyJwt(token: string): Promise<AccessTokenClaims> {
    let payload: AccessTokenClaims;
    try {
      ({ payload } = await jwtVerify<AccessTokenClaims>(token, this.keys, {
        typ: 'at+jwt', // jose also takes "application/at+jwt", as §4 requires
        issuer: this.o.issuer,
        audience: [...this.o.audience],
        algorithms: this.o.algorithms,
        requiredClaims: REQUIRED_CLAIMS,
        clockTolerance: this.o.clockToleranceSeconds,
      }));
    } catch (err) {
      throw jwtRefusal(err);
    }
    for (const claim of ['sub', 'client_id', 'jti'] as const) {
      if (typeof payload[claim] !== 'string' || payload[claim] === '') throw new InvalidTokenError(`The access token's ${claim} claim is not a non-empty string.`);
    }
    if ((payload.iat as number) > Date.now() / 1000 + this.o.clockToleranceSeconds) throw new InvalidTokenError('The access token is issued in the future.');
    if (payload.scope !== undefined && typeof payload.scope !== 'string') throw new InvalidTokenError("The access token's scope claim is not a string.");
    return payload;
  }

  /** draft-ietf-oauth-status-list §8.3 steps 1–5, for a token that passed verifyJwt. */
  private async checkStatus(payload: AccessTokenClaims, token: string): Promise<void> {
    const reference = statusListReference(payload);
    if (!reference) {
      if (this.o.withoutStatus === 'accept') return;
      if (this.o.withoutStatus === 'introspect') {
        await this.introspection!.introspect(token);
        return;
      }
      throw new InvalidTokenError('The access token has no status list reference, so its revocation cannot be checked.');
    }
    if (!this.policy.allows(new URL(reference.uri))) throw new InvalidTokenError("The access token's status list is on an origin this resource server does not fetch from.");
    const list = await this.statusLists.get(reference.uri);
    let status: number;
    try {
      status = statusAt(list, reference.idx);
    } catch {
      throw new InvalidTokenError("The access token's status index is outside its status list.");
    }
    if (status === StatusType.VALID) return;
    if (status === StatusType.INVALID) throw new TokenRevokedError();
    if (status === StatusType.SUSPENDED) throw new TokenSuspendedError();
    throw new TokenStatusNotValidError(status);
  }

  private async verifyReferenceToken(token: string): Promise<VerifiedToken> {
    if (!this.introspection) throw new InvalidTokenError('The access token is not a JWT, and this resource server has no introspection endpoint.');
    const { active: _active, ...claims } = await this.introspection.introspect(token);
    this.checkRevocations(claims as AccessTokenClaims);
    return { payload: claims as AccessTokenClaims, scopes: scopesOf(claims.scope), token };
  }

  /** A session (`sid`) or user (`sub`) an SSF receiver heard was revoked (`revocations`). */
  private checkRevocations(claims: AccessTokenClaims): void {
    if (this.o.revocations?.isRevoked(claims)) throw new TokenRevokedError('The access token\'s session has been revoked.');
  }
}

/** Exactly three base64url parts: a JWS in compact serialization (a JWE has five). */
function isCompactJws(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/**
 * The `status.status_list` claim (draft §6.2): undefined when the token has none (no `status`,
 * or only other mechanisms); an InvalidTokenError when it is there but malformed.
 */
function statusListReference(payload: AccessTokenClaims): { idx: number; uri: string } | undefined {
  const { status } = payload;
  if (status === undefined) return undefined;
  if (typeof status !== 'object' || status === null || Array.isArray(status)) throw new InvalidTokenError("The access token's status claim is not an object.");
  const reference = status.status_list;
  if (reference === undefined) return undefined;
  if (typeof reference !== 'object' || reference === null) throw new InvalidTokenError("The access token's status_list claim is not an object.");
  const { idx, uri } = reference;
  if (!Number.isSafeInteger(idx) || idx < 0) throw new InvalidTokenError("The access token's status_list idx is not a non-negative integer.");
  if (typeof uri !== 'string' || !URL.canParse(uri)) throw new InvalidTokenError("The access token's status_list uri is not a URI.");
  return { idx, uri };
}

/** A key that could not be fetched is the issuer's outage (503); anything else is the token's fault (401). */
function jwtRefusal(err: unknown): ResourceServerError {
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError) || err.code === 'ERR_JOSE_GENERIC') {
    return new KeysUnavailableError(`The issuer's signing keys cannot be fetched: ${(err as Error).message}`, { cause: err });
  }
  return new InvalidTokenError(`The access token is not valid: ${err.message}`, { cause: err });
}
