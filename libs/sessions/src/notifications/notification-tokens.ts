import type { NotificationOutboxEntity } from '@app/store';
import { LOGOUT_TOKEN_TTL } from '@app/auth';

/** OpenID Connect Back-Channel Logout 1.0 §2.4: the `events` member of a logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** OpenID CAEP 1.0 §3.1: session revoked. */
export const CAEP_SESSION_REVOKED_EVENT = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';

type Row = Pick<NotificationOutboxEntity, 'id' | 'clientId' | 'payload'>;

/**
 * Claims of a logout token (Back-Channel Logout 1.0 §2.4): `iss`, `aud` = the client, `iat`,
 * `exp`, `jti`, `sub` and `sid`, and the back-channel logout event. Never a `nonce` (§2.4
 * forbids it, so a logout token can never pass as an ID token). Signed with `typ: logout+jwt`.
 */
export function logoutTokenClaims(issuer: string, row: Row, now: number): Record<string, unknown> {
  const iat = Math.floor(now / 1000);
  return {
    iss: issuer, aud: row.clientId, iat, exp: iat + LOGOUT_TOKEN_TTL, jti: row.id,
    sub: row.payload.sub, sid: row.payload.sid,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  };
}

/**
 * Claims of a CAEP session-revoked Security Event Token (RFC 8417, CAEP 1.0 §3.1, SSF 1.0 §4):
 * the subject as an RFC 9493 `iss_sub` identifier in `sub_id`, and in the event the time the
 * session ended (`event_timestamp`, seconds), who ended it (`initiating_entity`) and why
 * (`reason_admin`). `sid` names the ended session, as in a logout token. Signed with
 * `typ: secevent+jwt`.
 */
export function sessionRevokedSetClaims(issuer: string, row: Row, now: number): Record<string, unknown> {
  const p = row.payload;
  return {
    iss: issuer, aud: row.clientId, iat: Math.floor(now / 1000), jti: row.id,
    sub_id: { format: 'iss_sub', iss: issuer, sub: p.sub },
    sid: p.sid,
    events: {
      [CAEP_SESSION_REVOKED_EVENT]: { event_timestamp: p.event_timestamp, initiating_entity: p.initiating_entity, reason_admin: { en: p.reason } },
    },
  };
}
