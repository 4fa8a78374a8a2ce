import { OAuthErrorCode, OAuthErrorCodeValue } from './error-codes';

/**
 * The one error type services and guards throw. The exception filter renders it in the
 * body shape the route promises: `{error, error_description}` for OAuth-style routes,
 * `{resultId, message}` for PingFederate-style ones.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: OAuthErrorCodeValue | string;
  readonly description: string;
  readonly headers: Record<string, string>;
  /** PingFederate-style resultId, when it differs from `code`. */
  readonly resultId?: string;
  /** Extra members added to the error body (e.g. the name of a disabled feature flag). */
  readonly extra: Record<string, string | number | boolean>;

  constructor(
    status: number,
    code: OAuthErrorCodeValue | string,
    description: string,
    headers: Record<string, string> = {},
    resultId?: string,
    extra: Record<string, string | number | boolean> = {},
  ) {
    // An expected answer (a 404 "not revoked" is half of all status checks), not a fault: no
    // stack trace to capture, which is most of an Error's cost.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(description);
    Error.stackTraceLimit = limit;
    this.status = status;
    this.code = code;
    this.description = description;
    this.headers = headers;
    this.resultId = resultId;
    this.extra = extra;
  }
}

export const invalidRequest = (description: string) => new ApiError(400, OAuthErrorCode.invalidRequest, description);

export const invalidClient = (description = 'Client authentication failed.', challenge = 'Basic realm="revocation-server"') =>
  new ApiError(401, OAuthErrorCode.invalidClient, description, { 'WWW-Authenticate': challenge });

export const invalidGrant = (description: string) => new ApiError(400, OAuthErrorCode.invalidGrant, description);

export const unauthorizedClient = (description: string) => new ApiError(400, OAuthErrorCode.unauthorizedClient, description);

export const unsupportedGrantType = (description: string) => new ApiError(400, OAuthErrorCode.unsupportedGrantType, description);

export const invalidScope = (description: string) => new ApiError(400, OAuthErrorCode.invalidScope, description);

/** RFC 8707 §2: a `resource` that is malformed or not one the client may ask for. */
export const invalidTarget = (description: string) => new ApiError(400, OAuthErrorCode.invalidTarget, description);

/** RFC 6750 §3: a missing or bad bearer token. */
export const invalidToken = (description = 'The access token is missing, malformed, expired or revoked.') =>
  new ApiError(401, OAuthErrorCode.invalidToken, description, {
    'WWW-Authenticate': `Bearer realm="revocation-server", error="invalid_token", error_description="${description.replace(/"/g, "'")}"`,
  });

export const insufficientScope = (scope: string) =>
  new ApiError(403, OAuthErrorCode.insufficientScope, `The access token lacks the scope "${scope}".`, {
    'WWW-Authenticate': `Bearer realm="revocation-server", error="insufficient_scope", scope="${scope}"`,
  });

export const accessDenied = (description: string) => new ApiError(403, OAuthErrorCode.accessDenied, description);

export const notFound = (description: string) => new ApiError(404, OAuthErrorCode.notFound, description);

export const conflict = (description: string) => new ApiError(409, OAuthErrorCode.conflict, description);

/**
 * A JSON endpoint's body of another media type. `resultId` is the PingFederate session APIs' name
 * for it (seed: 415 "when the Content-Type: application/json header is not found"); OAuth-shaped
 * routes answer `error` and `error_description` only.
 */
export const unsupportedMediaType = (description = 'The Content-Type must be application/json.') =>
  new ApiError(415, OAuthErrorCode.unsupportedMediaType, description, {}, 'session_mgmt_unsupported_media_type');

/** resultId of serverBusy: a refusal for load, which metrics must not count as a store outage. */
export const SERVER_BUSY = 'server_busy';
/** Too much of one costly kind of work already waiting (password hashing): refused at once, rather than queued without bound. */
export const serverBusy = (retryAfterSeconds: number) =>
  new ApiError(503, OAuthErrorCode.temporarilyUnavailable, 'The server is busy; try again shortly.', { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) }, SERVER_BUSY);
export const storeUnavailable = () =>
  new ApiError(503, OAuthErrorCode.temporarilyUnavailable, 'The store is unavailable; try again shortly.', { 'Retry-After': '2' });
