import * as http from 'node:http';
import * as https from 'node:https';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { OutboundUrlPolicy } from './outbound-url-policy';

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Ends the exchange (request or answer) with its reason. */
  signal: AbortSignal;
  /** Bytes of the answer's body kept; past them the connection is closed rather than read on. */
  maxBodyBytes: number;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** At most `maxBodyBytes`. */
  body: Buffer;
  /** Whether the answer had more than `maxBodyBytes` (the rest was never read). */
  truncated: boolean;
}

/**
 * HTTP requests to URLs a client registered, through OutboundUrlPolicy: the URL is checked, the
 * name resolved and every address checked before connecting (the policy's `lookup`), redirects
 * are never followed, and at most `maxBodyBytes` of an answer is read, so a receiver can neither
 * point the server at the internal network nor feed it an endless body.
 */
@Injectable()
export class OutboundHttp implements OnModuleDestroy {
  private readonly agents: Record<string, http.Agent>;

  constructor(readonly policy: OutboundUrlPolicy) {
    const options = { keepAlive: true, lookup: policy.lookup };
    this.agents = { 'http:': new http.Agent(options), 'https:': new https.Agent(options) };
  }

  onModuleDestroy(): void {
    for (const agent of Object.values(this.agents)) agent.destroy();
  }

  /** Rejects with OutboundUrlRefused for a URL or an address outside the policy, with the signal's reason once it aborts. */
  request(url: URL, r: OutboundRequest): Promise<OutboundResponse> {
    return new Promise<OutboundResponse>((resolve, reject) => {
      this.policy.check(url);
      r.signal.throwIfAborted();
      const headers = { ...r.headers, ...(r.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(r.body)) } : {}) };
      const req = (url.protocol === 'https:' ? https : http).request(url, { method: r.method, headers, agent: this.agents[url.protocol], lookup: this.policy.lookup });
      let answer: http.IncomingMessage | undefined;
      const abort = () => {
        answer?.destroy();
        req.destroy(r.signal.reason as Error);
      };
      r.signal.addEventListener('abort', abort, { once: true });
      const settle = (error: Error | null, response?: OutboundResponse) => {
        r.signal.removeEventListener('abort', abort);
        if (error) reject(error);
        else resolve(response!);
      };
      req.on('error', (err) => settle(r.signal.aborted ? (r.signal.reason as Error) : err));
      req.on('response', (res) => {
        answer = res;
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = (truncated: boolean) => settle(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated });
        res.on('data', (chunk: Buffer) => {
          const room = r.maxBodyBytes - kept;
          chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
          kept += Math.min(chunk.length, room);
          if (chunk.length > room) {
            // Enough: closing the connection stops the sender, where reading on would take whatever it sends.
            done(true);
            res.destroy();
          }
        });
        res.on('end', () => done(false));
        res.on('error', (err) => settle(r.signal.aborted ? (r.signal.reason as Error) : err));
        res.on('close', () => {
          if (!res.complete) settle(r.signal.aborted ? (r.signal.reason as Error) : new Error('the connection closed before the answer was complete'));
        });
      });
      req.end(r.body);
    });
  }

  /**
   * A GET `fetch` (for jose's `customFetch`): the answer's body, at most `maxBodyBytes`
   * (more fails), in a Response; failures are TypeError("fetch failed") with the reason as cause,
   * as fetch's own, and an abort rejects with the signal's reason.
   */
  fetcher(maxBodyBytes: number): (url: string, init: { headers?: ConstructorParameters<typeof Headers>[0]; signal?: AbortSignal | null }) => Promise<Response> {
    return async (url, init) => {
      const signal = init.signal ?? AbortSignal.timeout(30_000);
      let res: OutboundResponse;
      try {
        res = await this.request(new URL(url), { method: 'GET', headers: Object.fromEntries(new Headers(init.headers)), signal, maxBodyBytes });
        if (res.truncated) throw new Error(`the answer is larger than ${maxBodyBytes} bytes`);
      } catch (cause) {
        if (signal.aborted) throw signal.reason;
        throw new TypeError('fetch failed', { cause });
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
      const nullBody = [101, 204, 205, 304].includes(res.status);
      return new Response(nullBody ? null : res.body, { status: res.status, headers });
    };
  }
}
