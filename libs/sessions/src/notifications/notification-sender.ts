import { Injectable } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { HttpConfig, InjectConfig, inSpan, NotificationConfig, OutboundHttp, OutboundUrlRefused, traceHeaders } from '@app/common';
import { ClientCache, DEFAULT_ID_TOKEN_SIGNING_ALG, SECURITY_EVENT_SIGNING_ALG, TokenSigner } from '@app/auth';
import type { NotificationOutboxEntity } from '@app/store';
import { NotificationKinds, PreparedNotification } from './notification-kinds';
import { logoutTokenClaims, sessionRevokedSetClaims } from './notification-tokens';
import { retryAfterMs } from './retry-policy';

/**
 * `refused`: the outbound URL policy forbids the target (no connection was made); `aborted`: the
 * server is stopping; `final`: retrying cannot help (the row's kind dropped it, or the receiver
 * refused the SET itself); `retryAfterMs`: the receiver's Retry-After; `holdUntil`: the row's kind
 * holds it until then, unattempted.
 */
export type DeliveryResult =
  | { ok: true; status: number }
  | { ok: false; error: string; aborted?: boolean; refused?: boolean; final?: boolean; retryAfterMs?: number; holdUntil?: number };

/** Characters of a receiver's error answer kept in `last_error`. */
const ERROR_BODY_CHARS = 200;
/** Bytes of an answer read at most: enough for an error message, too few for a receiver to fill the server's memory. */
const RESPONSE_BODY_BYTES = 4096;

/**
 * Sends one notification: signs its token now (fresh `iat`/`exp`) and POSTs it within the
 * configured timeout, through OutboundHttp (the outbound URL policy, checked again at connection
 * time; no redirects; at most 4 KiB of the answer read). Any 2xx is a delivery (Back-Channel
 * Logout §2.8 answers 200 or 204, RFC 8935 §2.2 answers 202); anything else, or no answer, is a
 * failure described in one line that never contains the token (nor any request header). Rows of
 * kinds other modules registered (NotificationKinds) are built by their handler, which may also
 * hold or drop them; for those SETs a 400 is final (RFC 8935 §2.3).
 */
@Injectable()
export class NotificationSender {
  constructor(
    @InjectConfig('http') private readonly http: HttpConfig, @InjectConfig('notifications') private readonly notifications: NotificationConfig,
    private readonly signer: TokenSigner, private readonly clients: ClientCache, private readonly outbound: OutboundHttp,
    private readonly kinds: NotificationKinds,
  ) {}

  /** A CLIENT span per attempt (OpenTelemetry, when on), whose trace context the receiver gets in `traceparent`. */
  send(row: NotificationOutboxEntity, stop?: AbortSignal): Promise<DeliveryResult> {
    return inSpan(`POST ${row.kind}`, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST', 'notification.kind': row.kind, 'notification.attempt': row.attempts + 1 } }, async (span) => {
      const result = await this.deliver(row, stop);
      if (result.ok) span.setAttribute('http.response.status_code', result.status);
      else span.setAttribute('error.type', result.error.slice(0, 100));
      return result;
    });
  }

  private async deliver(row: NotificationOutboxEntity, stop?: AbortSignal): Promise<DeliveryResult> {
    const prepared = await this.prepare(row, Date.now());
    if (!('url' in prepared)) return prepared;
    const { url, contentType, body, headers, finalOnBadRequest } = prepared;
    const timeout = AbortSignal.timeout(this.notifications.timeoutMs);
    try {
      const res = await this.outbound.request(new URL(url), {
        method: 'POST',
        headers: { ...headers, 'Content-Type': contentType, Accept: 'application/json', 'Cache-Control': 'no-store', ...traceHeaders() },
        body,
        signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
        maxBodyBytes: RESPONSE_BODY_BYTES,
      });
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      const text = res.body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, ERROR_BODY_CHARS);
      const error = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
      // RFC 8935 §2.3: a 400 says the SET itself was refused (its `err` names why); the same SET would be refused again.
      if (res.status === 400 && finalOnBadRequest) return { ok: false, error: `the receiver refused the SET: ${error}`, final: true };
      return { ok: false, error, retryAfterMs: retryAfterMs(res.headers['retry-after'], Date.now()) };
    } catch (err) {
      if (stop?.aborted) return { ok: false, error: 'interrupted: the server is stopping', aborted: true };
      if (timeout.aborted) return { ok: false, error: `no answer within ${this.notifications.timeoutMs} ms` };
      if (err instanceof OutboundUrlRefused) return { ok: false, error: `refused: ${err.message}`.slice(0, 500), refused: true };
      if (err instanceof TypeError && (err as NodeJS.ErrnoException).code === 'ERR_INVALID_URL') return { ok: false, error: 'refused: the target is not a URL', refused: true };
      const e = err as NodeJS.ErrnoException;
      return { ok: false, error: `${e.code ?? e.name}: ${e.message}`.slice(0, 300) };
    }
  }

  /** The request of one attempt: signed now (fresh `iat`/`exp`); rows of other modules' kinds are built by their handler. */
  private async prepare(row: NotificationOutboxEntity, now: number): Promise<(PreparedNotification & { finalOnBadRequest?: boolean }) | DeliveryResult> {
    if (row.kind === 'backchannel_logout') {
      // Back-Channel Logout 1.0 §2.5: an application/x-www-form-urlencoded POST with logout_token,
      // signed as the client's ID tokens are (§2.6 validates it as an ID token).
      const alg = (await this.clients.get(row.clientId))?.idTokenSignedResponseAlg ?? DEFAULT_ID_TOKEN_SIGNING_ALG;
      const token = await this.signer.sign(logoutTokenClaims(this.http.issuer, row, now), 'logout+jwt', alg);
      return { url: row.targetUrl, contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams({ logout_token: token }).toString() };
    }
    if (row.kind === 'caep_session_revoked') {
      // RFC 8935 §2: the SET itself is the body.
      const set = await this.signer.sign(sessionRevokedSetClaims(this.http.issuer, row, now), 'secevent+jwt', SECURITY_EVENT_SIGNING_ALG);
      return { url: row.targetUrl, contentType: 'application/secevent+jwt', body: set };
    }
    const handler = this.kinds.get(row.kind);
    if (!handler) return { ok: false, error: `dropped: this server sends no ${row.kind} notifications`, final: true };
    const decision = await handler.prepare(row, now);
    if ('drop' in decision) return { ok: false, error: `dropped: ${decision.drop}`, final: true };
    if ('holdUntil' in decision) return { ok: false, error: `held: ${decision.reason}`, holdUntil: decision.holdUntil };
    return { ...decision.send, finalOnBadRequest: true };
  }
}
