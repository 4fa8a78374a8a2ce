import { Injectable } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader, errors, JWTPayload, jwtVerify } from 'jose';
import { GlobalRevocationConfig, HttpConfig, InjectConfig, invalidToken } from '@app/common';
import { ClientEntity, ClientRepository, UsedJtiRepository } from '@app/store';
import { globalTokenRevocationUrl, REVOCATION_ASSERTION_TYP } from '../revocation.constants';
import { ASYMMETRIC_JWS_ALGORITHMS, ClientKeySets, isCompactJws, type RequestAuth } from '@app/auth';

/** Asymmetric algorithms only: the keys are the client's public keys, never a shared secret. */
export const ASSERTION_ALGORITHMS = ASYMMETRIC_JWS_ALGORITHMS;

/** Clock difference tolerated between the caller and this server, in seconds. */
export const ASSERTION_CLOCK_SKEW_S = 60;

/** Whether a bearer token declares itself a global-token-revocation+jwt (header `typ`), before any verification. */
export function isRevocationAssertion(token: string): boolean {
  if (!isCompactJws(token)) return false;
  try {
    const typ = decodeProtectedHeader(token).typ?.toLowerCase().replace(/^application\//, '');
    return typ === REVOCATION_ASSERTION_TYP;
  } catch {
    return false;
  }
}

/**
 * The signed JWT bearer that Okta's Universal Logout sends: header `typ:
 * global-token-revocation+jwt`; `sub` (or `iss`) names the calling client; `aud` is this
 * endpoint's URL; `exp` at most a few minutes ahead; signed with a key of the client's
 * registered JWKS; its `jti` used once. Every failure is a 401 `invalid_token`.
 */
@Injectable()
export class RevocationAssertionVerifier {
  private readonly audience: string;

  constructor(
    @InjectConfig('http') http: HttpConfig,
    @InjectConfig('globalRevocation') private readonly globalRevocation: GlobalRevocationConfig,
    private readonly clients: ClientRepository,
    private readonly keySets: ClientKeySets,
    private readonly usedJtis: UsedJtiRepository,
  ) {
    this.audience = globalTokenRevocationUrl(http.issuer, globalRevocation.pathPrefix);
  }

  async verify(token: string, now = Date.now()): Promise<RequestAuth> {
    if (token.length > 16_384) throw invalidToken('The assertion is too large.');
    const client = await this.caller(token);
    const keys = this.keySets.forClient(client)!;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        typ: REVOCATION_ASSERTION_TYP,
        audience: this.audience,
        algorithms: ASSERTION_ALGORITHMS,
        clockTolerance: ASSERTION_CLOCK_SKEW_S,
        requiredClaims: ['exp', 'jti'],
        currentDate: new Date(now),
      }));
    } catch (err) {
      throw invalidToken(describe(err));
    }
    const nowS = now / 1000;
    const exp = payload.exp!;
    if (exp - nowS > this.globalRevocation.assertionMaxLifetime + ASSERTION_CLOCK_SKEW_S) {
      throw invalidToken(`The assertion's exp is more than ${this.globalRevocation.assertionMaxLifetime} seconds ahead.`);
    }
    if (typeof payload.iat === 'number' && payload.iat > nowS + ASSERTION_CLOCK_SKEW_S) throw invalidToken('The assertion\'s iat is in the future.');
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 255) throw invalidToken('The assertion\'s jti must be a string of at most 255 characters.');
    // Kept until the assertion could no longer pass the exp check, after which a replay fails anyway.
    if (!(await this.usedJtis.use(client.clientId, jti, (exp + ASSERTION_CLOCK_SKEW_S) * 1000 + 1000, now))) {
      throw invalidToken('The assertion was already used (its jti is replayed).');
    }
    return { method: 'jwt-bearer', clientId: client.clientId, scopes: client.scopes, client, sub: typeof payload.sub === 'string' ? payload.sub : undefined, claims: payload };
  }

  /**
   * The client whose keys must verify the assertion. Read from the unverified claims, as for
   * any JWT client assertion: Okta puts its client id for this app in `sub` and its own URL in
   * `iss`, an RFC 7523-style assertion puts the client id in both. Nothing read here is trusted
   * until the signature verifies with that client's keys.
   */
  private async caller(token: string): Promise<ClientEntity> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw invalidToken('The assertion is not a well-formed JWT.');
    }
    for (const id of [claims.sub, claims.iss]) {
      if (typeof id !== 'string' || id.length === 0 || id.length > 255) continue;
      const client = await this.clients.findById(id);
      if (client && this.keySets.hasKeys(client)) return client;
    }
    throw invalidToken('The assertion\'s sub or iss names no client registered with a JWKS.');
  }
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'The assertion has expired.';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'The assertion\'s aud is not this endpoint\'s URL.';
    if (err.claim === 'typ') return `The assertion's typ must be ${REVOCATION_ASSERTION_TYP}.`;
    return `The assertion's ${err.claim} claim is missing or invalid.`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return 'The assertion\'s signature does not verify with the client\'s registered keys.';
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'The assertion\'s signing algorithm is not allowed.';
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof Error && /fetch|JSON Web Key Set/i.test(err.message))) {
    return 'The client\'s JWKS could not be fetched.';
  }
  return 'The assertion is invalid.';
}
