import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMsColumn } from './columns';

/**
 * "Valid after": every token of this user issued, and every session started, at or before
 * `validAfter` is revoked. One row per user makes global revocation cost the same for 10 tokens
 * and 1 session as for 100,000 tokens and 10,000 sessions; SessionWatermarkWorker marks the
 * session rows afterwards (`sessionsEndedAt` says up to which watermark it has).
 */
@Entity('user_token_watermark')
export class UserTokenWatermarkEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  @Column({ name: 'valid_after', ...epochMsColumn() })
  validAfter: number;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reason: string | null;

  /** `revoked_reason` of the sessions this watermark ends, e.g. `global_token_revocation`. */
  @Column({ name: 'session_reason', type: 'varchar', length: 255, nullable: true })
  sessionReason?: string | null;

  /** `revoked_by` of those sessions: the calling client or admin actor. */
  @Column({ name: 'session_ended_by', type: 'varchar', length: 255, nullable: true })
  sessionEndedBy?: string | null;

  /** CAEP's initiating_entity in the notifications of those sessions. */
  @Column({ name: 'initiating_entity', type: 'varchar', length: 16, nullable: true })
  initiatingEntity?: string | null;

  /** The watermark up to which the session rows have been marked ended; below `validAfter` while the worker has some left. */
  @Column({ name: 'sessions_ended_at', ...epochMsColumn({ nullable: true }) })
  sessionsEndedAt?: number | null;
}
