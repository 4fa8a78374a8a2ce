import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a request id is read from and answered in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Visible ASCII only, at most 128 characters: safe in a header, a log line and an audit field. */
const SANE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Fastify's genReqId: the caller's X-Request-Id when it is sane (a proxy or a client
 * correlating its calls), else a fresh UUID. An id that is too long, empty, repeated or holds
 * spaces, control or non-ASCII characters is replaced, never trimmed or escaped.
 */
export function requestIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
}
