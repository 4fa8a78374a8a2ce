import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';

/**
 * Helmet's security headers for `options`, worked out once at start-up. With no per-request
 * directive (no CSP nonce) they are the same on every answer, and running helmet's middleware
 * per request cost the status check about a tenth of its time (it re-parses the CSP each call).
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: unknown) { headers[name.toLowerCase()] = String(value); },
    removeHeader(name: string) { delete headers[name.toLowerCase()]; },
  };
  let finished = false;
  helmet(options as HelmetOptions)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  // A helmet that needed the request (or went asynchronous) would make the headers wrong for some answers.
  if (!finished) throw new Error('helmet did not answer synchronously; security headers cannot be precomputed');
  return Object.freeze(headers);
}
