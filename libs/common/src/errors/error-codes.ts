/** Stable OAuth 2.0 error codes (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 8707 §2). */
export const OAuthErrorCode = {
  invalidRequest: 'invalid_request',
  invalidClient: 'invalid_client',
  invalidGrant: 'invalid_grant',
  unauthorizedClient: 'unauthorized_client',
  unsupportedGrantType: 'unsupported_grant_type',
  unsupportedTokenType: 'unsupported_token_type',
  invalidScope: 'invalid_scope',
  invalidTarget: 'invalid_target',
  invalidToken: 'invalid_token',
  insufficientScope: 'insufficient_scope',
  accessDenied: 'access_denied',
  notFound: 'not_found',
  conflict: 'conflict',
  unsupportedMediaType: 'unsupported_media_type',
  payloadTooLarge: 'payload_too_large',
  methodNotAllowed: 'method_not_allowed',
  tooManyRequests: 'too_many_requests',
  temporarilyUnavailable: 'temporarily_unavailable',
  serverError: 'server_error',
} as const;

export type OAuthErrorCodeValue = (typeof OAuthErrorCode)[keyof typeof OAuthErrorCode];
