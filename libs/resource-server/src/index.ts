/** The framework-free kit. The NestJS module is in `@revocation-server/resource-server/nest`. */
export { createTokenVerifier } from './token-verifier';
export { DEFAULT_ALGORITHMS } from './token-verifier.options';
export type { IntrospectionOptions, StatusListOptions, TokenVerifierOptions } from './token-verifier.options';
export type { AccessTokenClaims, TokenVerifier, VerifiedToken } from './verified-token';
export { requireScopes, scopesOf } from './scopes';
export * from './errors';
export { authenticate, bearerErrorAnswer, bearerTokenOf, VERIFIED_TOKEN_PROPERTY } from './http/bearer';
export type { BearerErrorAnswer, BearerOptions } from './http/bearer';
export { bearerMiddleware } from './http/express-bearer.middleware';
export type { RequestWithAccessToken } from './http/express-bearer.middleware';
export { bearerPreHandler } from './http/fastify-bearer.hook';
export type { FastifyReplyLike, FastifyRequestLike } from './http/fastify-bearer.hook';
export * from './status-list/status-list';
export { STATUS_LIST_JWT_MEDIA_TYPE } from './status-list/status-list-token';
export { createSsfReceiver, KIT_STREAM_DESCRIPTION, SESSION_REVOKED_EVENT } from './ssf/ssf-receiver';
export type { SsfReceiver, SsfReceiverOptions } from './ssf/ssf-receiver';
export { RevokedSessions } from './ssf/revoked-sessions';
export type { RevocationSource } from './ssf/revoked-sessions';
