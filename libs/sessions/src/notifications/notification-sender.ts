import { Inject, Injectable } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { APP_CONFIG, AppConfig, inSpan, traceHeaders } from '@app/common';
import { TokenSigner } from '@app/auth';
import type { NotificationOutboxEntity } from '@app/store';
import { logoutTokenClaims, sessionRevokedSetClaims } from './notification-tokens';

export type DeliveryResult = { ok: true; status: number } | { ok: false; error: string; aborted?: boolean };

/** Characters of a receiver's error answer kept in `last_error`. */
const ERROR_BODY_CHARS = 200;

/**
 * Sends one notification: signs its token now (fresh `iat`/`exp`) and POSTs it within the
 * configured timeout, without following redirects. Any 2xx is a delivery (Back-Channel Logout
 * §2.8 answers 200 or 204, RFC 8935 §2.2 answers 202); anything else, or no answer, is a
 * failure described in one line that never contains the token.
 */
@Injectable()
export class NotificationSender {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly signer: TokenSigner) {}

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
    const now = Date.now();
    let body: string;
    let contentType: string;
    if (row.kind === 'backchannel_logout') {
      // Back-Channel Logout 1.0 §2.5: an application/x-www-form-urlencoded POST with logout_token.
      body = new URLSearchParams({ logout_token: await this.signer.sign(logoutTokenClaims(this.config.issuer, row, now), 'logout+jwt') }).toString();
      contentType = 'application/x-www-form-urlencoded';
    } else {
      // RFC 8935 §2: the SET itself is the body.
      body = await this.signer.sign(sessionRevokedSetClaims(this.config.issuer, row, now), 'secevent+jwt');
      contentType = 'application/secevent+jwt';
    }
    const timeout = AbortSignal.timeout(this.config.notificationTimeoutMs);
    try {
      const res = await fetch(row.targetUrl, {
        method: 'POST',
        headers: { 'Content-Type': contentType, Accept: 'application/json', 'Cache-Control': 'no-store', ...traceHeaders() },
        body,
        redirect: 'manual',
        signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
      });
      if (res.status >= 200 && res.status < 300) {
        await res.body?.cancel().catch(() => undefined);
        return { ok: true, status: res.status };
      }
      const text = (await res.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, ERROR_BODY_CHARS);
      return { ok: false, error: `HTTP ${res.status}${text ? `: ${text}` : ''}` };
    } catch (err) {
      if (stop?.aborted) return { ok: false, error: 'interrupted: the server is stopping', aborted: true };
      if (timeout.aborted) return { ok: false, error: `no answer within ${this.config.notificationTimeoutMs} ms` };
      const e = err as Error & { cause?: { code?: string; message?: string } };
      return { ok: false, error: `${e.cause?.code ?? e.name}: ${e.cause?.message ?? e.message}`.slice(0, 300) };
    }
  }
}
