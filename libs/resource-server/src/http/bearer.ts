import { InvalidRequestError, MissingTokenError, ResourceServerError } from '../errors';
import { requireScopes } from '../scopes';
import type { TokenVerifier, VerifiedToken } from '../verified-token';

/** Options shared by the Express middleware, the Fastify hook and the Nest guard. */
export interface BearerOptions {
  /** Scopes the route needs, all of them. Default none: any valid token passes. */
  scopes?: readonly string[];
  /** The `realm` of the WWW-Authenticate challenge (RFC 6750 §3). Default none. */
  realm?: string;
}

/** The property the verified token is put on, on Express, Fastify and Nest requests alike. */
export const VERIFIED_TOKEN_PROPERTY = 'accessToken';

/** RFC 6750 §2.1: `Bearer` (any case), one or more spaces, then a b64token. */
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Past this, a header is not a token this kit would accept, whatever it holds. */
const MAX_AUTHORIZATION_LENGTH = 16 * 1024;

/**
 * The bearer token of an Authorization header. No header, or another scheme, is no token at
 * all (MissingTokenError: the challenge carries no error code, RFC 6750 §3.1); a Bearer header
 * that does not follow §2.1 is an invalid_request.
 */
export function bearerTokenOf(authorization: string | string[] | undefined): string {
  if (Array.isArray(authorization)) throw new InvalidRequestError('The request carries more than one Authorization header.');
  if (authorization === undefined || authorization === '' || !/^bearer(\s|$)/i.test(authorization)) throw new MissingTokenError();
  if (authorization.length > MAX_AUTHORIZATION_LENGTH) throw new InvalidRequestError('The Authorization header is too long.');
  const match = BEARER_CREDENTIALS.exec(authorization);
  if (!match) throw new InvalidRequestError('The Authorization header is not "Bearer" followed by a token (RFC 6750 §2.1).');
  return match[1];
}

/** The one sequence every adapter runs: read the header, verify the token, then check the scopes. */
export async function authenticate(verifier: TokenVerifier, authorization: string | string[] | undefined, scopes: readonly string[] = []): Promise<VerifiedToken> {
  const token = await verifier.verify(bearerTokenOf(authorization));
  requireScopes(token, scopes);
  return token;
}

export interface BearerErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

/**
 * The HTTP answer to a refusal: RFC 6750 §3 status and WWW-Authenticate challenge (with the
 * `error`, `error_description` and, for insufficient_scope, the `scope` needed), and an OAuth
 * error body. A 503 carries no challenge, since no other token would do better, and describes
 * the outage without its details (host names, list URIs), which stay in the error for the logs.
 */
export function bearerErrorAnswer(error: ResourceServerError, realm?: string): BearerErrorAnswer {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
  if (error.status === 503) {
    const description = error.code === 'keys_unavailable' ? "The issuer's signing keys cannot be fetched at the moment." : "The access token's status cannot be checked at the moment.";
    return { status: 503, headers, body: { error: 'temporarily_unavailable', error_description: description } };
  }
  const params: string[] = [];
  if (realm !== undefined) params.push(`realm="${quotable(realm)}"`);
  if (error.bearerError) {
    params.push(`error="${error.bearerError}"`, `error_description="${quotable(error.message)}"`);
    if ('requiredScopes' in error) params.push(`scope="${quotable((error.requiredScopes as readonly string[]).join(' '))}"`);
  }
  headers['WWW-Authenticate'] = params.length > 0 ? `Bearer ${params.join(', ')}` : 'Bearer';
  return { status: error.status, headers, body: { error: error.bearerError ?? error.code, error_description: error.message } };
}

/** RFC 6750 §3: error_description, scope and realm values exclude `"` and `\`, and are printable ASCII. */
function quotable(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, ' ');
}
