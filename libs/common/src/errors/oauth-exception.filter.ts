import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';
import { OAuthErrorCode } from './error-codes';
import { normalizeError } from './normalize-error';

/**
 * Fastify route config member naming the error body a route promises. Read from the matched
 * route, so it also applies to errors Fastify raises before the route runs (body parsing,
 * unsupported media type, body too large), which no controller-scoped filter sees.
 */
export const ERROR_BODY_ROUTE_CONFIG = 'errorBody';

export type ErrorBodyShape = 'oauth' | 'pingfederate';

/** Set on a request answered 503 because the store could not be reached or written (metrics count them). */
export interface StoreOutageMarked {
  storeOutage?: boolean;
}

/** `{"error","error_description"}` (RFC 6749 §5.2). */
export const oauthErrorBody = (error: ApiError): object => ({ error: error.code, error_description: error.description, ...error.extra });

/** PingFederate runtime API error shape: `{"resultId","message"}`. */
export const pingFederateErrorBody = (error: ApiError): object => ({ resultId: error.resultId ?? error.code, message: error.description, ...error.extra });

/** Renders every error as `{"error","error_description"}`, unless the matched route declares another shape; the default for all routes. */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  protected readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const { error, unexpected } = normalizeError(exception);
    const request = http.getRequest<FastifyRequest | undefined>();
    if (unexpected) {
      const e = exception as Error;
      // The request id is also the answer's X-Request-Id and the audit line's request_id: one id to follow a failure.
      const id = request?.id === undefined ? '' : `[request_id=${String(request.id)}] `;
      this.logger.error(`${id}${e?.name ?? 'Error'}: ${e?.message ?? String(exception)}`, e?.stack);
    }
    if (request && error.status === 503 && error.code === OAuthErrorCode.temporarilyUnavailable) (request as StoreOutageMarked).storeOutage = true;
    const shape = this.shapeFor(request);
    this.send(reply, error, shape === 'pingfederate' ? pingFederateErrorBody(error) : oauthErrorBody(error));
  }

  protected shapeFor(request: FastifyRequest | undefined): ErrorBodyShape {
    const config = request?.routeOptions?.config as Record<string, unknown> | undefined;
    return config?.[ERROR_BODY_ROUTE_CONFIG] === 'pingfederate' ? 'pingfederate' : 'oauth';
  }

  private send(reply: FastifyReply, error: ApiError, body: object): void {
    if (reply.sent) return;
    reply.status(error.status);
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    reply.header('Cache-Control', 'no-store');
    reply.header('Content-Type', 'application/json; charset=utf-8');
    reply.send(JSON.stringify(body));
  }
}

/** PingFederate runtime API error shape: `{"resultId","message"}` for every error of the routes it filters. */
@Catch()
export class PingFederateExceptionFilter extends OAuthExceptionFilter {
  protected override shapeFor(): ErrorBodyShape {
    return 'pingfederate';
  }
}
