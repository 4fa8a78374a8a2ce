import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { outboundFetch, OutboundPolicy } from '../http/outbound';
import { RevokedSessions } from './revoked-sessions';

/** CAEP 1.0 §3.1. */
export const SESSION_REVOKED_EVENT = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
/** RFC 8936 poll delivery (SSF 1.0 §6.1.2). */
const POLL_DELIVERY = 'urn:ietf:rfc:8936';
/** How the kit finds its own stream again after a restart. */
export const KIT_STREAM_DESCRIPTION = 'resource-server kit (session revocations)';
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export interface SsfReceiverOptions {
  /** The transmitter's issuer identifier: SETs' `iss` must equal it; its origin is where the kit may send requests. */
  transmitter: string;
  /** The OAuth client the stream belongs to (SETs' `aud`): the receiver hears of the sessions this client took part in. */
  clientId: string;
  /** With clientId, for client_credentials tokens with `ssf.manage` (client_secret_basic). */
  clientSecret?: string;
  /** Or: returns a bearer token with `ssf.manage` for clientId (called again after a 401). */
  tokenProvider?: (refresh: boolean) => Promise<string>;
  /** Origins besides the transmitter's https origin that may be contacted (e.g. `http://127.0.0.1:8080` in development). */
  allowedOrigins?: readonly string[];
  /** Where revocations go; pass one RevokedSessions to several receivers (one per client) and to createTokenVerifier. */
  revocations?: RevokedSessions;
  /** Seconds a long poll may take before it is given up and sent again. Default 60 (the transmitter answers within its SSF_POLL_MAX_WAIT, 20). */
  pollTimeout?: number;
  /** Seconds for the other requests. Default 5. */
  httpTimeout?: number;
  /** Told of each failed poll (the receiver retries with a backoff up to 30 s); never of a secret. */
  onError?: (err: Error) => void;
}

/** An SSF poll receiver (RFC 8936) of CAEP session-revoked events that keeps a set of revoked sessions and users. */
export interface SsfReceiver {
  readonly revocations: RevokedSessions;
  /** The poll stream's id, once started. */
  readonly streamId: string | undefined;
  /** Finds or creates the kit's poll stream, polls once, then keeps long polling; resolves after the first poll. */
  start(): Promise<void>;
  /** Stops polling (an ongoing long poll is aborted). */
  stop(): Promise<void>;
}

export function createSsfReceiver(options: SsfReceiverOptions): SsfReceiver {
  if (typeof options?.transmitter !== 'string' || !URL.canParse(options.transmitter)) throw new TypeError('transmitter must be an absolute URL');
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new TypeError('clientId must be a non-empty string');
  if (!options.tokenProvider && typeof options.clientSecret !== 'string') throw new TypeError('give clientSecret or tokenProvider');
  return new PollReceiver(options);
}

class PollReceiver implements SsfReceiver {
  readonly revocations: RevokedSessions;
  streamId: string | undefined;
  private readonly policy: OutboundPolicy;
  private readonly base: string;
  private readonly httpTimeoutMs: number;
  private readonly pollTimeoutMs: number;
  private readonly stopping = new AbortController();
  private keys?: JWTVerifyGetKey;
  private endpoint?: URL;
  private token?: { value: string; until: number };
  private tokenEndpoint?: URL;
  private acks: string[] = [];
  private setErrs: Record<string, { err: string; description: string }> = {};
  private loop?: Promise<void>;

  constructor(private readonly o: SsfReceiverOptions) {
    this.revocations = o.revocations ?? new RevokedSessions();
    this.policy = new OutboundPolicy(new URL(o.transmitter), o.allowedOrigins);
    this.base = o.transmitter.replace(/\/+$/, '');
    this.httpTimeoutMs = (o.httpTimeout ?? 5) * 1000;
    this.pollTimeoutMs = (o.pollTimeout ?? 60) * 1000;
  }

  async start(): Promise<void> {
    const config = await this.json('GET', new URL(`${this.base}/.well-known/ssf-configuration`), 'SSF configuration', false);
    if (config.issuer !== this.o.transmitter) throw new Error(`SSF configuration: issuer ${String(config.issuer)} is not ${this.o.transmitter}`);
    this.keys = createRemoteJWKSet(new URL(String(config.jwks_uri)), {
      timeoutDuration: this.httpTimeoutMs,
      [customFetch]: (url, init) => {
        this.policy.check(new URL(url), 'JWKS');
        return fetch(url, init);
      },
    });
    const configurationEndpoint = new URL(String(config.configuration_endpoint));
    const streams = await this.json('GET', configurationEndpoint, 'stream configuration', true);
    const mine = (Array.isArray(streams) ? streams : []).find((s: Record<string, any>) => s?.description === KIT_STREAM_DESCRIPTION && s?.delivery?.method === POLL_DELIVERY);
    const stream = mine ?? await this.json('POST', configurationEndpoint, 'stream creation', true, {
      delivery: { method: POLL_DELIVERY }, events_requested: [SESSION_REVOKED_EVENT], description: KIT_STREAM_DESCRIPTION,
    });
    this.streamId = String(stream.stream_id);
    this.endpoint = new URL(String(stream.delivery?.endpoint_url));
    this.policy.check(this.endpoint, 'SSF poll');
    await this.poll(true);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoffMs = 1000;
    while (!this.stopping.signal.aborted) {
      try {
        await this.poll(false);
        backoffMs = 1000;
      } catch (err) {
        if (this.stopping.signal.aborted) return;
        this.o.onError?.(err as Error);
        await sleep(backoffMs, this.stopping.signal);
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  }

  /** RFC 8936 §2.4: acknowledge and report what was handled, then wait for (or take) what is new. */
  private async poll(returnImmediately: boolean): Promise<void> {
    const acks = this.acks;
    const setErrs = this.setErrs;
    const body = { maxEvents: 100, returnImmediately, ...(acks.length > 0 ? { ack: acks } : {}), ...(Object.keys(setErrs).length > 0 ? { setErrs } : {}) };
    const answer = await this.bearerRequest('POST', this.endpoint!, body, this.pollTimeoutMs, 'SSF poll');
    this.acks = this.acks.filter((j) => !acks.includes(j));
    for (const jti of Object.keys(setErrs)) delete this.setErrs[jti];
    for (const [jti, set] of Object.entries((answer.sets ?? {}) as Record<string, unknown>)) await this.receive(jti, set);
  }

  /** Verifies one SET (RFC 8417, SSF 1.0 §4.1) and applies it; a SET that fails verification is reported back, not acknowledged. */
  private async receive(jti: string, set: unknown): Promise<void> {
    let payload: JWTPayload & { sub_id?: any; events?: Record<string, any> };
    try {
      ({ payload } = await jwtVerify(String(set), this.keys!, { issuer: this.o.transmitter, audience: this.o.clientId, typ: 'secevent+jwt', algorithms: ['RS256'] }));
    } catch (err) {
      // Keys that cannot be fetched are the transmitter's outage: the SET comes back after the ack timeout.
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) return;
      this.setErrs[jti] = { err: 'invalid_request', description: 'The SET did not verify against the transmitter\'s keys and claims.' };
      return;
    }
    const event = payload.events?.[SESSION_REVOKED_EVENT];
    if (event) {
      const s = payload.sub_id ?? {};
      const user = s.format === 'iss_sub' ? s : s.format === 'complex' ? s.user : undefined;
      if (s.format === 'complex' && s.session?.format === 'opaque' && typeof s.session.id === 'string') this.revocations.revokeSession(s.session.id);
      else if (user?.format === 'iss_sub' && user.iss === this.o.transmitter && typeof user.sub === 'string') {
        // A session-revoked event without a session: every session of the user.
        this.revocations.revokeUser(user.sub, typeof event.event_timestamp === 'number' ? event.event_timestamp : Math.floor(Date.now() / 1000));
      }
    }
    this.acks.push(jti);
  }

  private async json(method: 'GET' | 'POST', url: URL, purpose: string, bearer: boolean, body?: object): Promise<any> {
    if (bearer) return this.bearerRequest(method, url, body, this.httpTimeoutMs, purpose);
    const res = await outboundFetch(this.policy, url, { method, timeoutMs: this.httpTimeoutMs, maxBodyBytes: MAX_ANSWER_BYTES, maxRedirects: 0, purpose, headers: { Accept: 'application/json' } });
    if (res.status !== 200) throw new Error(`${purpose}: HTTP ${res.status}`);
    return JSON.parse(res.body.toString('utf8'));
  }

  /** A request with the bearer token; after a 401 the token is fetched again, once. */
  private async bearerRequest(method: 'GET' | 'POST', url: URL, body: object | undefined, timeoutMs: number, purpose: string): Promise<any> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(attempt > 0);
      const res = await outboundFetch(this.policy, url, {
        method, timeoutMs, maxBodyBytes: MAX_ANSWER_BYTES, maxRedirects: 0, purpose, signal: this.stopping.signal,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (res.status === 401 && attempt === 0) continue;
      const text = res.body.toString('utf8');
      if (res.status < 200 || res.status >= 300) throw new Error(`${purpose}: HTTP ${res.status} ${text.slice(0, 200)}`);
      return text ? JSON.parse(text) : {};
    }
  }

  /** client_credentials (RFC 6749 §4.4) at the transmitter's token endpoint (discovered once), scope `ssf.manage`, cached until shortly before it expires. */
  private async accessToken(refresh: boolean): Promise<string> {
    if (this.o.tokenProvider) return this.o.tokenProvider(refresh);
    if (!refresh && this.token && this.token.until > Date.now()) return this.token.value;
    this.tokenEndpoint ??= new URL(String((await this.json('GET', new URL(`${this.base}/.well-known/openid-configuration`), 'OpenID configuration', false)).token_endpoint));
    const basic = Buffer.from(`${encodeURIComponent(this.o.clientId)}:${encodeURIComponent(this.o.clientSecret!)}`).toString('base64');
    const res = await outboundFetch(this.policy, this.tokenEndpoint, {
      method: 'POST', timeoutMs: this.httpTimeoutMs, maxBodyBytes: 64 * 1024, maxRedirects: 0, purpose: 'token endpoint',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'ssf.manage' }).toString(),
    });
    if (res.status !== 200) throw new Error(`token endpoint: HTTP ${res.status}`);
    const answer = JSON.parse(res.body.toString('utf8')) as { access_token?: unknown; expires_in?: unknown };
    if (typeof answer.access_token !== 'string') throw new Error('token endpoint: no access_token');
    const ttl = typeof answer.expires_in === 'number' ? answer.expires_in : 300;
    this.token = { value: answer.access_token, until: Date.now() + Math.max(ttl - 30, 1) * 1000 };
    return this.token.value;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
