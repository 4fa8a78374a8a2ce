/**
 * One class per refusal, each with a stable `code` for logs and metrics, the HTTP status the
 * middleware and guard answer with, and the RFC 6750 §3.1 `error` value of the Bearer
 * challenge (none for a request that carried no token at all, §3.1 last paragraph).
 */
export type ResourceServerErrorCode =
  | 'missing_token'
  | 'invalid_request'
  | 'invalid_token'
  | 'token_revoked'
  | 'token_suspended'
  | 'token_status_not_valid'
  | 'insufficient_scope'
  | 'status_unavailable'
  | 'keys_unavailable';

/** The `error` values RFC 6750 §3.1 defines for the WWW-Authenticate Bearer challenge. */
export type BearerErrorValue = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export abstract class ResourceServerError extends Error {
  abstract readonly code: ResourceServerErrorCode;
  abstract readonly status: 400 | 401 | 403 | 503;
  /** The challenge's `error`; undefined where the challenge carries none. */
  readonly bearerError?: BearerErrorValue;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No `Authorization: Bearer` credentials at all: 401 with a bare challenge. */
export class MissingTokenError extends ResourceServerError {
  readonly code = 'missing_token';
  readonly status = 401;

  constructor() {
    super('The request carries no bearer token.');
  }
}

/** A malformed Authorization header (RFC 6750 §2.1 syntax). */
export class InvalidRequestError extends ResourceServerError {
  readonly code: ResourceServerErrorCode = 'invalid_request';
  readonly status = 400;
  override readonly bearerError = 'invalid_request';
}

/** Expired, wrongly typed, for another audience or issuer, badly signed, or otherwise not acceptable. */
export class InvalidTokenError extends ResourceServerError {
  readonly code: ResourceServerErrorCode = 'invalid_token';
  readonly status = 401;
  override readonly bearerError = 'invalid_token';
}

/** Status 0x01 INVALID in the token's status list, or `active: false` from introspection. */
export class TokenRevokedError extends InvalidTokenError {
  override readonly code = 'token_revoked';

  constructor(message = 'The access token has been revoked.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Status 0x02 SUSPENDED in the token's status list. */
export class TokenSuspendedError extends InvalidTokenError {
  override readonly code = 'token_suspended';

  constructor(message = 'The access token is suspended.') {
    super(message);
  }
}

/** Any status other than VALID, INVALID and SUSPENDED: refused, as its meaning is not known here. */
export class TokenStatusNotValidError extends InvalidTokenError {
  override readonly code = 'token_status_not_valid';

  constructor(readonly statusValue: number) {
    super(`The access token's status (0x${statusValue.toString(16).padStart(2, '0')}) is not VALID.`);
  }
}

/** The token is good but lacks a scope the route needs: 403 with the needed scopes in the challenge. */
export class InsufficientScopeError extends ResourceServerError {
  readonly code = 'insufficient_scope';
  readonly status = 403;
  override readonly bearerError = 'insufficient_scope';

  constructor(readonly requiredScopes: readonly string[]) {
    super(`The access token lacks a required scope (${requiredScopes.join(' ')}).`);
  }
}

/**
 * The token's status could not be learned (status list or introspection endpoint failing, or a
 * status list that failed validation) and no usable earlier answer was at hand: the request is
 * refused, as 503 rather than 401, since a new token would fare no better.
 */
export class StatusUnavailableError extends ResourceServerError {
  readonly code = 'status_unavailable';
  readonly status = 503;
}

/** The issuer's JWKS could not be fetched, so no signature can be checked: 503 for the same reason. */
export class KeysUnavailableError extends ResourceServerError {
  readonly code = 'keys_unavailable';
  readonly status = 503;
}
