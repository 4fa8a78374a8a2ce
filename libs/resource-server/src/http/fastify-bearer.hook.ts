import { ResourceServerError } from '../errors';
import type { TokenVerifier, VerifiedToken } from '../verified-token';
import { authenticate, bearerErrorAnswer, BearerOptions, VERIFIED_TOKEN_PROPERTY } from './bearer';

/** The parts of a Fastify request and reply the hook uses, so that the kit needs no Fastify types. */
export interface FastifyRequestLike {
  headers: { authorization?: string | string[] };
}
export interface FastifyReplyLike {
  code(statusCode: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

/**
 * A Fastify `preHandler` (or `onRequest`) hook: `{ preHandler: bearerPreHandler(verifier, { scopes: ['orders:read'] }) }`
 * on a route, or `app.addHook('preHandler', …)` for all. Puts the verified token on
 * `request.accessToken`; answers 400/401/403/503 itself, with the RFC 6750 challenge. Other
 * errors are thrown, for Fastify's error handler.
 */
export function bearerPreHandler(verifier: TokenVerifier, options: BearerOptions = {}) {
  return async (request: FastifyRequestLike, reply: FastifyReplyLike): Promise<FastifyReplyLike | undefined> => {
    try {
      (request as FastifyRequestLike & { [VERIFIED_TOKEN_PROPERTY]?: VerifiedToken })[VERIFIED_TOKEN_PROPERTY] = await authenticate(verifier, request.headers.authorization, options.scopes);
      return undefined;
    } catch (err) {
      if (!(err instanceof ResourceServerError)) throw err;
      const answer = bearerErrorAnswer(err, options.realm);
      // An async hook that has sent its answer returns the reply, so Fastify goes no further.
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    }
  };
}
