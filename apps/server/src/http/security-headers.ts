import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';

/**
 * The headers every API answer carries, as the OWASP REST Security Cheat Sheet lists them for
 * JSON APIs. Browser-page protections (helmet's full set) would add about 600 bytes to every
 * status check for nothing a JSON reader uses; HTML answers get them (htmlSecurityHeaders).
 * Strict-Transport-Security is apart: it goes only on answers over TLS (HSTS_HEADER).
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

/**
 * RFC 6797 §7.2: "An HSTS Host MUST NOT include the STS header field in HTTP responses conveyed
 * over non-secure transport" (a browser ignores it there). Sent when the request came over TLS:
 * to this server, or to a proxy that TRUST_PROXY believes and that says so in X-Forwarded-Proto.
 */
export const HSTS_HEADER = 'strict-transport-security';
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

/**
 * Helmet's headers for `options`, worked out once at start-up: with no per-request directive
 * (no CSP nonce) they are the same on every page, and running helmet's middleware per request
 * re-parses the CSP each time.
 */
export function htmlSecurityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
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
  // A helmet that needed the request (or went asynchronous) would make the headers wrong for some pages.
  if (!finished) throw new Error('helmet did not answer synchronously; security headers cannot be precomputed');
  return Object.freeze(headers);
}

interface HeaderReply {
  getHeader(name: string): unknown;
  header(name: string, value: string): unknown;
}

/**
 * For an HTML answer (Swagger UI, the sign-in pages): adds helmet's headers over the API ones.
 * A header the page set itself (a value other than the API default) is kept.
 */
export function upgradeToHtmlHeaders(reply: HeaderReply, html: Readonly<Record<string, string>>): void {
  const type = reply.getHeader('content-type');
  if (typeof type !== 'string' || !type.startsWith('text/html')) return;
  for (const [name, value] of Object.entries(html)) {
    const current = reply.getHeader(name);
    if (current === undefined || current === API_SECURITY_HEADERS[name]) reply.header(name, value);
  }
}
