/**
 * Every request the kit sends (JWKS, status lists, introspection) goes through here, so one
 * rule decides where it may go: the issuer's own origin over https, or an origin the host listed.
 */
export class OutboundPolicy {
  private readonly issuerOrigin: string;
  private readonly listed: ReadonlySet<string>;

  /**
   * @param issuer the issuer URL: its origin is allowed when it is https.
   * @param allowedOrigins further origins, e.g. `http://127.0.0.1:8080` in development: listing
   *   an origin allows it whatever its scheme.
   */
  constructor(issuer: URL, allowedOrigins: readonly string[] = []) {
    this.issuerOrigin = issuer.origin;
    this.listed = new Set(allowedOrigins.map((origin) => originOf(origin)));
  }

  allows(url: URL): boolean {
    if (url.username || url.password) return false;
    if (this.listed.has(url.origin)) return true;
    return url.protocol === 'https:' && url.origin === this.issuerOrigin;
  }

  /** Throws OutboundUrlRefused for a URL outside the policy. */
  check(url: URL, purpose: string): void {
    if (!this.allows(url)) {
      throw new OutboundUrlRefused(`${purpose} URL ${url.origin} is neither the issuer's https origin nor an allowed origin`);
    }
  }
}

export class OutboundUrlRefused extends Error {}

/** An HTTP failure: a refused URL, no answer in time, a non-2xx status, or a body over the limit. */
export class OutboundRequestFailed extends Error {}

function originOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`allowedOrigins: ${value} is not an origin (scheme://host[:port])`);
  }
  if (url.origin === 'null' || !['http:', 'https:'].includes(url.protocol)) throw new TypeError(`allowedOrigins: ${value} is not an http(s) origin`);
  return url.origin;
}

export interface OutboundResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered, after any redirects. */
  url: URL;
}

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Milliseconds for the whole exchange, redirects included. */
  timeoutMs: number;
  maxBodyBytes: number;
  /** Redirects followed, each checked against the policy; 0 for requests carrying credentials. */
  maxRedirects: number;
  purpose: string;
  /** Aborts the exchange early (a receiver that stops); the timeout applies either way. */
  signal?: AbortSignal;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * fetch with manual redirects, so that each hop's URL is checked before it is requested (a
 * status list host may redirect, draft-ietf-oauth-status-list §8.2, within the §11.4 limits).
 * A hop limit stops loops; credentials and cookies are never sent along.
 */
export async function outboundFetch(policy: OutboundPolicy, start: URL, request: OutboundRequest): Promise<OutboundResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  let url = start;
  for (let hop = 0; ; hop++) {
    policy.check(url, request.purpose);
    let res: Response;
    try {
      res = await fetch(url, { method: request.method ?? 'GET', headers: request.headers, body: request.body, redirect: 'manual', credentials: 'omit', signal });
    } catch (cause) {
      throw new OutboundRequestFailed(signal.aborted ? `${request.purpose}: no answer within ${request.timeoutMs} ms` : `${request.purpose}: ${describe(cause)}`, { cause });
    }
    const location = res.headers.get('location');
    if (REDIRECT_STATUSES.has(res.status) && location !== null) {
      await res.body?.cancel().catch(() => undefined);
      if (hop >= request.maxRedirects) throw new OutboundRequestFailed(`${request.purpose}: too many redirects (limit ${request.maxRedirects})`);
      url = new URL(location, url);
      continue;
    }
    const body = await readLimited(res, request.maxBodyBytes, request.purpose, signal, request.timeoutMs);
    return { status: res.status, headers: res.headers, body, url };
  }
}

async function readLimited(res: Response, maxBytes: number, purpose: string, signal: AbortSignal, timeoutMs: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new OutboundRequestFailed(`${purpose}: body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new OutboundRequestFailed(`${purpose}: body is over the ${maxBytes}-byte limit`);
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof OutboundRequestFailed) throw cause;
    throw new OutboundRequestFailed(signal.aborted ? `${purpose}: no answer within ${timeoutMs} ms` : `${purpose}: ${describe(cause)}`, { cause });
  }
  return Buffer.concat(chunks);
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return `${e.cause?.code ?? e.name}: ${e.cause?.message ?? e.message}`.slice(0, 300);
}
