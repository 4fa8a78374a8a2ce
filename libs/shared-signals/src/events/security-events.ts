import type { InitiatingEntity, SecurityEventPayload, SsfStreamStatus } from '@app/store';
import { SESSION_REVOKED_EVENT, STREAM_UPDATED_EVENT, VERIFICATION_EVENT } from '../ssf.constants';
import type { SubjectIdentifier } from '../subjects/subject-identifiers';

/** One event of a SET, before the stream's `aud` and a `txn` join it. */
export interface SecurityEvent {
  sub_id: SubjectIdentifier;
  events: Record<string, Record<string, unknown>>;
}

/** What the admin notes of `reason_admin` say, for each way a session ends. */
const REASONS: Record<string, string> = {
  end_session: 'The user signed out (OpenID Connect RP-Initiated Logout)',
  global_token_revocation: 'Every session and token of the user was revoked (Global Token Revocation)',
  session_revocation_api: 'The session was revoked through the Session Management API',
  user_deleted: 'The user was deleted',
};

/**
 * CAEP 1.0 §3.1 session revoked, as the CAEP interoperability profile §3.1 asks: the subject is
 * complex, the user (`iss_sub`) and the session (`opaque`, its `sid`); `event_timestamp` is when
 * the session ended, `initiating_entity` who ended it, and `reason_admin` (never empty) why.
 */
export function sessionRevokedEvent(issuer: string, s: { userId: string; sessionId: string; at: number; initiatingEntity: InitiatingEntity; reason: string }): SecurityEvent {
  return {
    sub_id: { format: 'complex', user: { format: 'iss_sub', iss: issuer, sub: s.userId }, session: { format: 'opaque', id: s.sessionId } },
    events: {
      [SESSION_REVOKED_EVENT]: {
        event_timestamp: Math.floor(s.at / 1000),
        initiating_entity: s.initiatingEntity,
        reason_admin: { en: `${REASONS[s.reason] ?? 'The session was revoked'} (${s.reason})` },
      },
    },
  };
}

/** SSF 1.0 §8.1.4.1: the stream itself is the subject; `state` is echoed when the receiver gave one. */
export function verificationEvent(streamId: string, state?: string): SecurityEvent {
  return { sub_id: { format: 'opaque', id: streamId }, events: { [VERIFICATION_EVENT]: state === undefined ? {} : { state } } };
}

/** SSF 1.0 §8.1.5: the transmitter changed the stream's status. */
export function streamUpdatedEvent(streamId: string, status: SsfStreamStatus, reason?: string): SecurityEvent {
  return { sub_id: { format: 'opaque', id: streamId }, events: { [STREAM_UPDATED_EVENT]: { status, ...(reason ? { reason } : {}) } } };
}

/** Whether a queued SET must go out even though its stream is paused or disabled (SSF 1.0 §8.1.5: sent before stopping). */
export function passesStoppedStream(payload: SecurityEventPayload): boolean {
  return STREAM_UPDATED_EVENT in payload.set.events;
}

/** The claims of a SET as signed: the queued ones with `iss`, `iat` and `jti` (the outbox row's id); no `exp` and no `sub` (SSF 1.0 §4.1). */
export function setClaims(issuer: string, jti: string, payload: SecurityEventPayload, now: number): Record<string, unknown> {
  const { aud, txn, sub_id, events } = payload.set;
  return { iss: issuer, jti, iat: Math.floor(now / 1000), aud, txn, sub_id, events };
}
