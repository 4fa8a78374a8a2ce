import type { Socket } from 'node:net';
import { ArgumentsHost, Catch, ExceptionFilter, Logger, Optional } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, SERVER_BUSY } from './api-error';
import { ErrorBodyShapes } from './error-body';
import { OAuthErrorCode } from './error-codes';
import { normalizeError } from './normalize-error';

/** Set on a request answered 503 because the store could not be reached or written (metrics count them). */
export interface StoreOutageMarked {
  storeOutage?: boolean;
}

/** `{"error","error_description"}` (RFC 6749 §5.2). */
export const oauthErrorBody = (error: ApiError): object => ({ error: error.code, error_description: error.description, ...error.extra });

/** PingFederate runtime API error shape: `{"resultId","message"}`. */
export const pingFederateErrorBody = (error: ApiError): object => ({ resultId: error.resultId ?? error.code, message: error.description, ...error.extra });

/**
 * The one exception filter, global (APP_FILTER): renders every error as
 * `{"error","error_description"}`, or as `{"resultId","message"}` where the matched route's
 * config says so (`PingFederateErrors()`) or, where no route says, the path is under a prefix a
 * module declared with `errorBodyForPrefix`.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');
  private shapes?: ErrorBodyShapes;

  constructor(@Optional() private readonly modules?: ModulesContainer) {}

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
    if (request && error.status === 503 && error.code === OAuthErrorCode.temporarilyUnavailable && error.resultId !== SERVER_BUSY) (request as StoreOutageMarked).storeOutage = true;
    // Read once the first error comes, when every module is in place.
    this.shapes ??= this.modules ? ErrorBodyShapes.of(this.modules) : ErrorBodyShapes.none;
    const shape = this.shapes.forRequest(request);
    this.send(reply, error, shape === 'pingfederate' ? pingFederateErrorBody(error) : oauthErrorBody(error));
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

/**
 * Fastify's `frameworkErrors`: a URL it cannot decode (400) or a path parameter over
 * maxParamLength (414), raised before routing, hence before Nest's filters. Answered in the
 * shape of the API the path belongs to (`shapes`: `ErrorBodyShapes.of(app)` once the app is
 * built), never echoing the URL.
 */
export function frameworkErrorHandler(err: Error, request: FastifyRequest, reply: FastifyReply, shapes = ErrorBodyShapes.none): void {
  const { error } = normalizeError(err);
  const body = shapes.forPath(request.url) === 'pingfederate' ? pingFederateErrorBody(error) : oauthErrorBody(error);
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
