import type { IncomingMessage, ServerResponse } from 'node:http';
import { ResourceServerError } from '../errors';
import type { TokenVerifier, VerifiedToken } from '../verified-token';
import { authenticate, bearerErrorAnswer, BearerOptions, VERIFIED_TOKEN_PROPERTY } from './bearer';

/** A request once the middleware let it through. */
export type RequestWithAccessToken = IncomingMessage & { [VERIFIED_TOKEN_PROPERTY]?: VerifiedToken };

/**
 * Express (or Connect) middleware: `app.get('/orders', bearerMiddleware(verifier, { scopes: ['orders:read'] }), handler)`.
 * Puts the verified token on `req.accessToken`; answers 400/401/403/503 itself, with the
 * RFC 6750 challenge. Written against node:http, so it needs no Express types.
 */
export function bearerMiddleware(verifier: TokenVerifier, options: BearerOptions = {}) {
  return (req: RequestWithAccessToken, res: ServerResponse, next: (err?: unknown) => void): void => {
    authenticate(verifier, req.headers.authorization, options.scopes).then(
      (token) => {
        req[VERIFIED_TOKEN_PROPERTY] = token;
        next();
      },
      (err: unknown) => {
        // Anything else is a fault, for the application's error handler (a 500), never a pass.
        if (!(err instanceof ResourceServerError)) return next(err);
        const answer = bearerErrorAnswer(err, options.realm);
        res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
      },
    );
  };
}
