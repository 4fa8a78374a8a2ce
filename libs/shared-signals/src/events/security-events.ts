import type { InitiatingEntity, NotificationOutboxEntity, NotificationPayload, SecurityEventPayload, SsfStreamStatus } from '@app/store';
import { CREDENTIAL_CHANGE_EVENT, SESSION_REVOKED_EVENT, STREAM_UPDATED_EVENT, TOKEN_CLAIMS_CHANGE_EVENT, VERIFICATION_EVENT } from '../ssf.constants';
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

/** Who or what changed: the user (`iss_sub`, as in session-revoked) or the client (`complex` with its `application`). */
export type ChangedSubject = { userId: string } | { clientId: string };

function changedSubjectId(issuer: string, s: ChangedSubject): SubjectIdentifier {
  return 'userId' in s ? { format: 'iss_sub', iss: issuer, sub: s.userId } : { format: 'complex', application: { format: 'opaque', id: s.clientId } };
}

/** The CAEP 1.0 §2 members every change event has: when, who (an administrator: the admin API and CLI change these), and why. */
function changeCommon(at: number, reason: string): Record<string, unknown> {
  return { event_timestamp: Math.floor(at / 1000), initiating_entity: 'admin', reason_admin: { en: reason } };
}

/**
 * CAEP 1.0 §3.3 credential change: a user's `password` set (`create`), changed (`update`) or
 * removed (`delete`); a client's secret rotated (`client_secret`, `update`: a credential type
 * the CAEP list leaves to transmitter and receiver).
 */
export function credentialChangeEvent(issuer: string, c: ChangedSubject & { credentialType: 'password' | 'client_secret'; changeType: 'create' | 'update' | 'delete'; at: number }): SecurityEvent {
  const what = c.credentialType === 'password' ? 'The user\'s password' : 'The client\'s secret';
  const how = { create: 'was set', update: 'was changed', delete: 'was removed' }[c.changeType];
  return {
    sub_id: changedSubjectId(issuer, c),
    events: { [CREDENTIAL_CHANGE_EVENT]: { credential_type: c.credentialType, change_type: c.changeType, ...changeCommon(c.at, `${what} ${how}`) } },
  };
}

/** CAEP 1.0 §3.2 token claims change: `claims` holds each changed claim's new value (null: no longer issued). */
export function tokenClaimsChangeEvent(issuer: string, c: ChangedSubject & { claims: Record<string, unknown>; at: number }): SecurityEvent {
  const why = 'userId' in c ? 'The user\'s attributes changed' : 'The client\'s scopes changed';
  return { sub_id: changedSubjectId(issuer, c), events: { [TOKEN_CLAIMS_CHANGE_EVENT]: { claims: c.claims, ...changeCommon(c.at, why) } } };
}

/** SSF 1.0 §8.1.4.1: the stream itself is the subject; `state` is echoed when the receiver gave one. */
export function verificationEvent(streamId: string, state?: string): SecurityEvent {
  return { sub_id: { format: 'opaque', id: streamId }, events: { [VERIFICATION_EVENT]: state === undefined ? {} : { state } } };
}

/** SSF 1.0 §8.1.5: the transmitter changed the stream's status. */
export function streamUpdatedEvent(streamId: string, status: SsfStreamStatus, reason?: string): SecurityEvent {
  return { sub_id: { format: 'opaque', id: streamId }, events: { [STREAM_UPDATED_EVENT]: { status, ...(reason ? { reason } : {}) } } };
}

type QueuedRow = Pick<NotificationOutboxEntity, 'id' | 'clientId' | 'payload'>;

/**
 * The SET a row queued, without `iss`, `iat` and `jti`. A CAEP push queued before
 * `caep_receiver_uri` became a stream holds only the session's details: its SET is built from
 * them, with the row's id as `txn`.
 */
export function queuedSet(issuer: string, row: QueuedRow): SecurityEventPayload['set'] {
  const payload = row.payload as Partial<SecurityEventPayload>;
  if (payload.set) return payload.set;
  const p = row.payload as NotificationPayload;
  const event = sessionRevokedEvent(issuer, { userId: p.sub, sessionId: p.sid, at: p.event_timestamp * 1000, initiatingEntity: p.initiating_entity, reason: p.reason });
  return { aud: row.clientId, txn: row.id, ...event };
}

/** Whether a queued SET must go out even though its stream is paused or disabled (SSF 1.0 §8.1.5: sent before stopping). */
export function passesStoppedStream(payload: NotificationPayload | SecurityEventPayload): boolean {
  return 'set' in payload && STREAM_UPDATED_EVENT in payload.set.events;
}

/** The claims of a SET as signed: the queued ones with `iss`, `iat` and `jti` (the outbox row's id); no `exp` and no `sub` (SSF 1.0 §4.1). */
export function setClaims(issuer: string, row: QueuedRow, now: number): Record<string, unknown> {
  const { aud, txn, sub_id, events } = queuedSet(issuer, row);
  return { iss: issuer, jti: row.id, iat: Math.floor(now / 1000), aud, txn, sub_id, events };
}
