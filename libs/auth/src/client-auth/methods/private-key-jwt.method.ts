import { Inject, Injectable, Optional } from '@nestjs/common';
import { decodeJwt, errors, JWTPayload, jwtVerify } from 'jose';
import { HttpConfig, InjectConfig, invalidClient, invalidRequest } from '@app/common';
import { UsedJtiRepository } from '@app/store';
import { ClientAuthenticationMethod, ClientAuthMethod, ClientAuthRequest } from '../client-auth-method';
import { ClientAuthenticator } from '../client-authenticator.service';
import { ASYMMETRIC_JWS_ALGORITHMS, ClientKeySets } from '../client-key-sets.service';
import type { RequestAuth } from '../../request-auth';
import { bodyParams } from './form-body';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The token endpoint's absolute URL, which a client assertion's `aud` may name besides the
 * issuer (OpenID Connect Core §9). OAuthModule provides it; without that module only the issuer is accepted.
 */
export const TOKEN_ENDPOINT_URL = Symbol('TOKEN_ENDPOINT_URL');

/** Longest remaining lifetime of a client assertion, in seconds: it is single use, so it need not live long. */
export const CLIENT_ASSERTION_MAX_LIFETIME_S = 300;
/** Clock difference tolerated between the client and this server, in seconds. */
const CLOCK_SKEW_S = 60;
const MAX_ASSERTION_LENGTH = 16_384;

/**
 * private_key_jwt (RFC 7523 §2.2, §3; OpenID Connect Core §9): `client_assertion_type` and a
 * `client_assertion` JWT signed with a key of the client's registered JWKS (`jwks` or
 * `jwks_uri`), `iss` and `sub` the client id, `aud` the issuer or the token endpoint, `exp`
 * at most five minutes ahead, `jti` used once (kept in the store, so every instance refuses a replay).
 */
@Injectable()
@ClientAuthenticationMethod()
export class PrivateKeyJwt implements ClientAuthMethod {
  readonly name = 'private_key_jwt';
  readonly signingAlgorithms = ASYMMETRIC_JWS_ALGORITHMS;
  private readonly audiences: string[];

  constructor(
    @InjectConfig('http') http: HttpConfig,
    private readonly authenticator: ClientAuthenticator,
    private readonly keySets: ClientKeySets,
    private readonly usedJtis: UsedJtiRepository,
    @Optional() @Inject(TOKEN_ENDPOINT_URL) tokenEndpoint?: string,
  ) {
    this.audiences = tokenEndpoint ? [http.issuer, tokenEndpoint] : [http.issuer];
  }

  presentedBy(req: ClientAuthRequest): boolean {
    const body = bodyParams(req);
    return body.client_assertion !== undefined || body.client_assertion_type !== undefined;
  }

  presentedClientId(req: ClientAuthRequest): string | undefined {
    const { client_id: clientId, client_assertion: assertion } = bodyParams(req);
    if (typeof clientId === 'string') return clientId;
    if (typeof assertion !== 'string' || assertion.length > MAX_ASSERTION_LENGTH) return undefined;
    try {
      const { sub } = decodeJwt(assertion);
      return typeof sub === 'string' ? sub : undefined;
    } catch {
      return undefined;
    }
  }

  async authenticate(req: ClientAuthRequest, now = Date.now()): Promise<RequestAuth> {
    const { client_assertion_type: type, client_assertion: assertion, client_id: claimedId } = bodyParams(req);
    if (typeof type !== 'string' || typeof assertion !== 'string') throw invalidRequest('client_assertion_type and client_assertion must each appear once.');
    if (type !== JWT_BEARER_ASSERTION_TYPE) throw invalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}.`);
    if (claimedId !== undefined && typeof claimedId !== 'string') throw invalidRequest('client_id must appear at most once.');
    if (assertion.length > MAX_ASSERTION_LENGTH) throw invalidClient('The client assertion is too large.');
    let claims: JWTPayload;
    try {
      claims = decodeJwt(assertion);
    } catch {
      throw invalidClient('The client assertion is not a well-formed JWT.');
    }
    // RFC 7523 §3: iss and sub are both the client id. Nothing is trusted before the signature verifies.
    const clientId = claims.sub;
    if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 255 || claims.iss !== clientId) {
      throw invalidClient('The client assertion\'s iss and sub must both be the client_id.');
    }
    if (claimedId !== undefined && claimedId !== clientId) throw invalidClient('The client_id parameter does not match the client assertion.');
    const client = await this.authenticator.registeredClient(clientId, this.name);
    const keys = this.keySets.forClient(client);
    if (!keys) throw invalidClient('The client has no registered keys (jwks or jwks_uri).');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, keys, {
        algorithms: ASYMMETRIC_JWS_ALGORITHMS,
        issuer: clientId,
        subject: clientId,
        audience: this.audiences,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_SKEW_S,
        currentDate: new Date(now),
      }));
    } catch (err) {
      throw invalidClient(describe(err));
    }
    const nowS = now / 1000;
    const exp = payload.exp!;
    if (exp - nowS > CLIENT_ASSERTION_MAX_LIFETIME_S + CLOCK_SKEW_S) {
      throw invalidClient(`The client assertion's exp is more than ${CLIENT_ASSERTION_MAX_LIFETIME_S} seconds ahead.`);
    }
    if (typeof payload.iat === 'number' && payload.iat > nowS + CLOCK_SKEW_S) throw invalidClient('The client assertion\'s iat is in the future.');
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 255) throw invalidClient('The client assertion\'s jti must be a string of at most 255 characters.');
    // Kept until the assertion could no longer pass the exp check, after which a replay fails anyway.
    if (!(await this.usedJtis.use(clientId, jti, (exp + CLOCK_SKEW_S) * 1000 + 1000, now))) {
      throw invalidClient('The client assertion was already used (its jti is replayed).');
    }
    return { method: this.name, clientId, scopes: client.scopes, client };
  }
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'The client assertion has expired.';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'The client assertion\'s aud is neither the issuer nor the token endpoint.';
    return `The client assertion's ${err.claim} claim is missing or invalid.`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return 'The client assertion\'s signature does not verify with the client\'s registered keys.';
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'The client assertion\'s signing algorithm is not allowed.';
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof Error && /fetch|JSON Web Key Set/i.test(err.message))) {
    return 'The client\'s JWKS could not be fetched.';
  }
  return 'The client assertion is invalid.';
}
