import { HttpException } from '@nestjs/common';
import { ApiError, storeUnavailable } from './api-error';
import { OAuthErrorCode } from './error-codes';

const codeForStatus: Record<number, string> = {
  400: OAuthErrorCode.invalidRequest,
  401: OAuthErrorCode.invalidClient,
  403: OAuthErrorCode.accessDenied,
  404: OAuthErrorCode.notFound,
  405: OAuthErrorCode.methodNotAllowed,
  409: OAuthErrorCode.conflict,
  413: OAuthErrorCode.payloadTooLarge,
  415: OAuthErrorCode.unsupportedMediaType,
  429: OAuthErrorCode.tooManyRequests,
  503: OAuthErrorCode.temporarilyUnavailable,
};

/** Driver error codes that mean "the store cannot be reached", as opposed to a bad query. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300',
  'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL',
]);

export function isStoreUnavailable(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string }; message?: string } | undefined;
  if (!e) return false;
  const code = e.driverError?.code ?? e.code;
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  const msg = e.message ?? '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|not connected|database is locked|DataSource is not initialized|Cannot use a pool after calling end/i.test(msg);
}

/**
 * Turns anything thrown into an ApiError. Unknown errors become a 500 whose text says
 * nothing about internals; the caller logs the original.
 */
export function normalizeError(err: unknown): { error: ApiError; unexpected: boolean } {
  if (err instanceof ApiError) return { error: err, unexpected: false };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    let description = err.message;
    if (typeof body === 'object' && body && 'message' in body) {
      const m = (body as { message: unknown }).message;
      description = Array.isArray(m) ? m.join('; ') : String(m);
    }
    if (status === 404 && /^Cannot (GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)/.test(description)) description = 'No such endpoint.';
    return { error: new ApiError(status, codeForStatus[status] ?? OAuthErrorCode.invalidRequest, description), unexpected: status >= 500 };
  }
  // Errors raised by Fastify before routing (body parsing, size limits, media type).
  const fe = err as { statusCode?: number; code?: string; message?: string } | undefined;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const status = fe.statusCode;
    const description =
      status === 413 ? 'The request body is too large.'
      : status === 415 ? 'Unsupported Content-Type.'
      : fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'The JSON body is empty.'
      : status === 400 ? 'The request body is not valid JSON or form data.'
      : 'The request could not be processed.';
    return { error: new ApiError(status, codeForStatus[status] ?? OAuthErrorCode.invalidRequest, description), unexpected: false };
  }
  if (isStoreUnavailable(err)) return { error: storeUnavailable(), unexpected: true };
  return { error: new ApiError(500, OAuthErrorCode.serverError, 'An unexpected error occurred.'), unexpected: true };
}
