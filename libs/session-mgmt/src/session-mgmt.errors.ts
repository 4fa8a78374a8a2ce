import { ApiError, OAuthErrorCode } from '@app/common';

/**
 * The errors of the PingFederate session APIs, each with its `resultId`. The one the seed
 * spells out (`session_mgmt_sri_not_revoked`) is used verbatim; the others follow its style.
 */
export const SessionMgmtErrors = {
  /** Seed: 404 `{"resultId":"session_mgmt_sri_not_revoked","message":"The SRI has not been revoked."}`. */
  sriNotRevoked: () => new ApiError(404, OAuthErrorCode.notFound, 'The SRI has not been revoked.', {}, 'session_mgmt_sri_not_revoked'),
  invalidSri: (why: string) => new ApiError(400, OAuthErrorCode.invalidRequest, `The SRI is malformed: ${why}.`, {}, 'session_mgmt_invalid_sri'),
  invalidBody: () =>
    new ApiError(400, OAuthErrorCode.invalidRequest, 'The body must be a JSON object with a string member "id".', {}, 'session_mgmt_invalid_request'),
  invalidQuery: (name: string) =>
    new ApiError(400, OAuthErrorCode.invalidRequest, `The query parameter ${name} must be true or false.`, {}, 'session_mgmt_invalid_request'),
  invalidUserKey: () =>
    new ApiError(400, OAuthErrorCode.invalidRequest, 'The user key is malformed: empty, too long or with control characters.', {}, 'session_mgmt_invalid_user_key'),
  sessionNotFound: () => new ApiError(404, OAuthErrorCode.notFound, 'No valid session has this SRI.', {}, 'session_mgmt_session_not_found'),
  /** Seed: 400 when the X-XSRF-HEADER HTTP header is not found. */
  xsrfHeaderMissing: () =>
    new ApiError(400, OAuthErrorCode.invalidRequest, 'The X-XSRF-HEADER header is required (any non-empty value).', {}, 'session_mgmt_xsrf_header_missing'),
  /** RFC 9110 §15.5.15: a path parameter longer than the router takes. */
  uriTooLong: () => new ApiError(414, OAuthErrorCode.invalidRequest, 'The URL is too long.', {}, 'session_mgmt_uri_too_long'),
  permissionDenied: (what: string) =>
    new ApiError(403, OAuthErrorCode.accessDenied, `The client is not allowed to access the ${what}.`, {}, 'session_mgmt_access_denied'),
} as const;
