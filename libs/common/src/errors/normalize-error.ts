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

/** Socket error codes of a store that cannot be reached. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs that say "not now" rather than "bad query": class 08 (connection
 * exception), 53 (insufficient resources: disk full, out of memory, too many connections),
 * 57 (operator intervention: shutdown, crash recovery, a cancelled statement), and
 * serialization failures and deadlocks (40001, 40P01), which a retry resolves. Also a store
 * that refuses this server's connections: class 28 (invalid authorization: a rotated password
 * 28P01, a dropped role 28000) and an unknown database (3D000). The caller did nothing wrong,
 * and the store answers again once the operator fixes its side.
 */
const PG_UNAVAILABLE = /^(08|28|53|57)[0-9A-Z]{3}$|^40001$|^40P01$|^3D000$/;

/**
 * SQLite result codes, with their extended forms (better-sqlite3 reports SQLITE_BUSY_SNAPSHOT,
 * SQLITE_IOERR_FSYNC, SQLITE_READONLY_DBMOVED…): the file is locked, unwritable or failing.
 */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|PROTOCOL|NOLFS)(_|$)/;

/** Messages of node-postgres, pg-pool and TypeORM for a connection that is gone or never came. */
const UNAVAILABLE_MESSAGE = new RegExp([
  'Connection terminated', 'connection timeout', 'timeout exceeded when trying to connect', 'timeout expired', 'Query read timeout',
  'Client has encountered a connection error', 'Client was closed and is not queryable', 'not connected', 'database is locked',
  'DataSource is not initialized', 'Cannot use a pool after calling end', 'The database connection is not open',
].join('|'), 'i');

/** True for an error, or the cause of one, that says the store cannot be reached or written now. */
export function isStoreUnavailable(err: unknown, depth = 0): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; message?: unknown; errors?: unknown[]; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object' || depth > 4) return false;
  const code = e.driverError?.code ?? e.code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || PG_UNAVAILABLE.test(code) || SQLITE_UNAVAILABLE.test(code))) return true;
  // net's AggregateError of every address tried (IPv4 and IPv6 for "localhost").
  if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => isStoreUnavailable(x, depth + 1))) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  return e.cause !== undefined && isStoreUnavailable(e.cause, depth + 1);
}

/**
 * PostgreSQL refusing a value of the request rather than failing: text with a NUL character
 * (22021, "invalid byte sequence for encoding UTF8: 0x00"), or one the database encoding cannot
 * represent (22P05). SQLite stores such text, so this only ever comes from PostgreSQL.
 */
function isUnstorableText(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return code === '22021' || code === '22P05';
}

/** `{error, error_description?}` with an OAuth-style code (lower case and underscores: Nest's own bodies say `Unauthorized`). */
function oauthBodyOf(body: unknown): { error: string; error_description?: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, error_description: description } = body as { error?: unknown; error_description?: unknown };
  if (typeof error !== 'string' || !/^[a-z][a-z_]{0,63}$/.test(error)) return undefined;
  return { error, ...(typeof description === 'string' ? { error_description: description } : {}) };
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
    // An OAuth error body of its own (the resource-server kit's invalid_token, insufficient_scope): kept as thrown.
    const own = oauthBodyOf(body);
    if (own) return { error: new ApiError(status, own.error, own.error_description ?? err.message), unexpected: status >= 500 };
    let description = err.message;
    if (typeof body === 'object' && body && 'message' in body) {
      const m = (body as { message: unknown }).message;
      description = Array.isArray(m) ? m.join('; ') : String(m);
    }
    if (status === 404 && /^Cannot [A-Z-]+ /.test(description)) description = 'No such endpoint.';
    return { error: new ApiError(status, codeForStatus[status] ?? OAuthErrorCode.invalidRequest, description), unexpected: status >= 500 };
  }
  // Errors raised by Fastify before routing (body parsing, size limits, media type).
  const fe = err as { statusCode?: number; code?: string; message?: string } | undefined;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const status = fe.statusCode;
    const description =
      status === 413 ? 'The request body is too large.'
      : status === 415 ? 'Unsupported Content-Type.'
      : status === 414 ? 'The URL is too long.'
      : fe.code === 'FST_ERR_BAD_URL' ? 'The URL is not correctly encoded.'
      : fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'The JSON body is empty.'
      : status === 400 ? 'The request body is not valid JSON or form data.'
      : 'The request could not be processed.';
    return { error: new ApiError(status, codeForStatus[status] ?? OAuthErrorCode.invalidRequest, description), unexpected: false };
  }
  if (isStoreUnavailable(err)) return { error: storeUnavailable(), unexpected: true };
  if (isUnstorableText(err)) return { error: new ApiError(400, OAuthErrorCode.invalidRequest, 'A value contains characters that cannot be stored (such as NUL).'), unexpected: false };
  return { error: new ApiError(500, OAuthErrorCode.serverError, 'An unexpected error occurred.'), unexpected: true };
}
