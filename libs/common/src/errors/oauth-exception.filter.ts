import type { Socket } from 'node:net';
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

/**
 * Path prefixes whose errors take a shape even when no route matched: a wrong method Nest cannot
 * route (SEARCH, TRACE…), an empty path parameter, a typo. Route config cannot say it there,
 * since there is no route. Registered by the module that owns the prefix.
 */
const prefixShapes = new Map<string, ErrorBodyShape>();

export function useErrorBodyForPrefix(prefix: string, shape: ErrorBodyShape): void {
  prefixShapes.set(prefix.replace(/\/+$/, ''), shape);
}

function shapeForPath(url: string | undefined): ErrorBodyShape | undefined {
  const path = (url ?? '').split('?')[0];
  for (const [prefix, shape] of prefixShapes) if (path === prefix || path.startsWith(`${prefix}/`)) return shape;
  return undefined;
}

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
    if (config?.[ERROR_BODY_ROUTE_CONFIG] === 'pingfederate') return 'pingfederate';
    return shapeForPath(request?.url) ?? 'oauth';
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

/**
 * Fastify's `frameworkErrors`: a URL it cannot decode (400) or a path parameter over
 * maxParamLength (414), raised before routing, hence before Nest's filters. Answered in the
 * shape of the API the path belongs to, never echoing the URL.
 */
export function frameworkErrorHandler(err: Error, request: FastifyRequest, reply: FastifyReply): void {
  const { error } = normalizeError(err);
  const body = shapeForPath(request.url) === 'pingfederate' ? pingFederateErrorBody(error) : oauthErrorBody(error);
  void reply.status(error.status).header('Cache-Control', 'no-store').header('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses (malformed request line
 * or headers, headers too large, too slow). As Fastify's default, but with the OAuth error body.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, text, description] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'The request took too long to arrive.']
    : err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'The request headers are too large.']
    : [400, 'Bad Request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: 'invalid_request', error_description: description });
  // A request answered before its body was refused (415 to a chunked body that then turns out
  // malformed) already has its answer on this connection: a second one would be read as part
  // of the first. Node's own handler makes the same check.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
