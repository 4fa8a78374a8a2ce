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

/** The `typ` header of a compact JWS, normalized (RFC 7515 §4.1.9 lets `application/` be left out); null when absent, undefined when unreadable. */
function typOf(token: string): string | null | undefined {
  if (!isCompactJws(token)) return undefined;
  try {
    const typ = decodeProtectedHeader(token).typ;
    return typ === undefined ? null : typ.toLowerCase().replace(/^application\//, '');
  } catch {
    return undefined;
  }
}

/**
 * Whether `aud` names exactly `audience`: the string, or an array of that one value. An
 * assertion meant for several recipients could be replayed at the others (each keeps its own jti list).
 */
export function isExactAudience(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.length === 1 && aud[0] === audience);
}

/**
 * The signed JWT bearer that Okta's Universal Logout sends, checked rule by rule (every failure
 * is a 401 `invalid_token`):
 * - header `typ` `global-token-revocation+jwt`, or none (then `aud` must name this endpoint);
 * - `sub` the caller's client id, a client registered with a JWKS whose keys verify the signature;
 * - `iss` present: the client id itself (RFC 7523), or the IdP's issuer URL; with a `jwks_uri`,
 *   the keys must come from that issuer (same origin), so another IdP's keys cannot speak for it;
 * - `aud` exactly this endpoint's URL;
 * - `iat` present and not in the future; `nbf`, when present, passed; `exp` present, not past
 *   and at most GLOBAL_TOKEN_REVOCATION_JWT_MAX_LIFETIME (300 s) ahead;
 * - `jti` used once per client (kept in the store, so across restarts and instances).
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

  /**
   * Whether the guard should read a bearer token as an assertion: it says so in `typ`, or it has
   * no `typ` and is addressed to this endpoint (this server's access tokens carry `at+jwt`).
   */
  isAssertion(token: string): boolean {
    const typ = typOf(token);
    if (typ === REVOCATION_ASSERTION_TYP) return true;
    if (typ !== null) return false;
    try {
      return isExactAudience(decodeJwt(token).aud, this.audience);
    } catch {
      return false;
    }
  }

  async verify(token: string, now = Date.now()): Promise<RequestAuth> {
    if (token.length > 16_384) throw invalidToken('The assertion is too large.');
    const typ = typOf(token);
    if (typ !== null && typ !== REVOCATION_ASSERTION_TYP) throw invalidToken(`The assertion's typ must be ${REVOCATION_ASSERTION_TYP}.`);
    const client = await this.caller(token);
    const keys = this.keySets.forClient(client)!;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        audience: this.audience,
        algorithms: ASSERTION_ALGORITHMS,
        clockTolerance: ASSERTION_CLOCK_SKEW_S,
        requiredClaims: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'],
        currentDate: new Date(now),
      }));
    } catch (err) {
      throw invalidToken(describe(err));
    }
    if (!isExactAudience(payload.aud, this.audience)) throw invalidToken('The assertion\'s aud must be this endpoint\'s URL alone.');
    if (!issuedBy(payload.iss!, client)) throw invalidToken('The assertion\'s iss is neither the client nor the issuer of its JWKS.');
    const nowS = now / 1000;
    const exp = payload.exp!;
    if (exp - nowS > this.globalRevocation.assertionMaxLifetime + ASSERTION_CLOCK_SKEW_S) {
      throw invalidToken(`The assertion's exp is more than ${this.globalRevocation.assertionMaxLifetime} seconds ahead.`);
    }
    if (payload.iat! > nowS + ASSERTION_CLOCK_SKEW_S) throw invalidToken('The assertion\'s iat is in the future.');
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 255) throw invalidToken('The assertion\'s jti must be a string of at most 255 characters.');
    // Kept until the assertion could no longer pass the exp check, after which a replay fails anyway.
    if (!(await this.usedJtis.use(client.clientId, jti, (exp + ASSERTION_CLOCK_SKEW_S) * 1000 + 1000, now))) {
      throw invalidToken('The assertion was already used (its jti is replayed).');
    }
    return { method: 'jwt-bearer', clientId: client.clientId, scopes: client.scopes, client, sub: payload.sub, claims: payload };
  }

  /**
   * The client whose keys must verify the assertion: the one its `sub` names (Okta puts its
   * client id for this application there; an RFC 7523 assertion puts it in `iss` too). Read from
   * the unverified claims, as for any JWT client assertion: nothing read here is trusted until
   * the signature verifies with that client's keys.
   */
  private async caller(token: string): Promise<ClientEntity> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw invalidToken('The assertion is not a well-formed JWT.');
    }
    const id = claims.sub;
    if (typeof id === 'string' && id.length > 0 && id.length <= 255) {
      const client = await this.clients.findById(id);
      if (client && this.keySets.hasKeys(client)) return client;
    }
    throw invalidToken('The assertion\'s sub names no client registered with a JWKS.');
  }
}

/**
 * `iss` is the client itself, or an issuer URL; a client whose keys come from a `jwks_uri`
 * must have them from that issuer's origin (Okta: `https://example.okta.com/oauth2/v1/keys`).
 * Inline keys were registered by an administrator for this caller, so any issuer URL is its IdP's.
 */
function issuedBy(iss: string, client: ClientEntity): boolean {
  if (iss === client.clientId) return true;
  let issuer: URL;
  try {
    issuer = new URL(iss);
  } catch {
    return false;
  }
  if (issuer.protocol !== 'https:' && issuer.protocol !== 'http:') return false;
  if (!client.jwksUri) return true;
  try {
    return new URL(client.jwksUri).origin === issuer.origin;
  } catch {
    return false;
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
