import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMsColumn, jsonColumn } from './columns';

/**
 * OpenID Connect Back-Channel Logout 1.0, or a CAEP session-revoked SET pushed per RFC 8935 to a
 * client's `caep_receiver_uri`; or a SET of a Shared Signals stream, pushed (RFC 8935) or waiting
 * for the receiver to poll it (RFC 8936).
 */
export type NotificationKind = 'backchannel_logout' | 'caep_session_revoked' | 'ssf_push' | 'ssf_poll';

/** Kinds the receiver fetches itself: the outbox worker never sends them. */
export const PULLED_NOTIFICATION_KINDS: NotificationKind[] = ['ssf_poll'];

export type NotificationStatus = 'pending' | 'delivered' | 'failed';

/** Who ended the session, as CAEP's `initiating_entity` names it. */
export type InitiatingEntity = 'admin' | 'user' | 'policy' | 'system';

/**
 * The claims a notification is built from; the token itself is signed when it is sent, so a
 * retry hours later still carries a fresh `iat`/`exp`. `jti` is the row id: every retry of one
 * notification has the same `jti`, so a receiver can tell a repeat from a new logout.
 */
export interface NotificationPayload {
  /** The user's subject identifier. */
  sub: string;
  /** The ended session (`sid` of its ID tokens). */
  sid: string;
  /** When the session ended, epoch seconds (CAEP's `event_timestamp`). */
  event_timestamp: number;
  initiating_entity: InitiatingEntity;
  /** Why, for the receiving administrator (CAEP's `reason_admin`). */
  reason: string;
}

/**
 * A Shared Signals SET, all but the claims set when it is signed (`iss`, `iat`, `jti`): one event
 * (SSF 1.0 §4.2.1), its `sub_id`, the stream's `aud` and `txn`. A session-revoked event also
 * carries the session fields above, for the admin API's view of the outbox.
 */
export interface SecurityEventPayload extends Partial<NotificationPayload> {
  set: { aud: string | string[]; txn: string; sub_id: Record<string, unknown>; events: Record<string, Record<string, unknown>> };
}

/**
 * The durable outbox of session-ended notifications: rows are written in the same transaction
 * that ends the session, so a crash loses none; a worker sends them with bounded retries. A
 * worker claims a row by moving `next_attempt_at` past its lease and setting `lease_id` in one
 * conditional UPDATE, so several instances never send the same attempt twice.
 */
@Entity('notification_outbox')
@Index('IDX_notification_outbox_due', ['status', 'nextAttemptAt'])
@Index('IDX_notification_outbox_created', ['createdAt'])
@Index('IDX_notification_outbox_stream', ['streamId', 'status', 'nextAttemptAt'])
export class NotificationOutboxEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  kind: NotificationKind;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Column({ name: 'target_url', type: 'varchar', length: 2048 })
  targetUrl: string;

  @Column(jsonColumn())
  payload: NotificationPayload | SecurityEventPayload;

  /** The Shared Signals stream of an `ssf_push` or `ssf_poll` row; null for the others. */
  @Column({ name: 'stream_id', type: 'varchar', length: 64, nullable: true })
  streamId: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: NotificationStatus;

  /** Attempts started so far (counted when a worker claims the row). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', ...epochMsColumn() })
  nextAttemptAt: number;

  /** The claim of the worker sending it now; its outcome is recorded only under this lease. */
  @Column({ name: 'lease_id', type: 'varchar', length: 64, nullable: true })
  leaseId: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1024, nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;

  @Column({ name: 'delivered_at', ...epochMsColumn({ nullable: true }) })
  deliveredAt: number | null;
}
