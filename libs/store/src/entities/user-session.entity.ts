import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMsColumn, jsonColumn } from './columns';

/** A user's authentication session: `sid` for OIDC, `sri` (PingFederate's pi.sri) for the revocation list. */
@Entity('user_session')
@Index('IDX_user_session_user', ['userId'])
@Index('IDX_user_session_user_live', ['userId', 'revokedAt', 'sriSealed'])
export class UserSessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Index('UQ_user_session_sri', { unique: true })
  @Column({ type: 'varchar', length: 255 })
  sri: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  /** Every client that used this session, in order of first use. */
  @Column({ name: 'client_ids', ...jsonColumn() })
  clientIds: string[];

  @Column({ name: 'authn_source', type: 'varchar', length: 128, default: 'password' })
  authnSource: string;

  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;

  @Column({ name: 'last_activity_at', ...epochMsColumn() })
  lastActivityAt: number;

  /** Seconds of inactivity after which the session ends. */
  @Column({ name: 'idle_timeout', type: 'integer' })
  idleTimeout: number;

  /** Seconds after creation after which the session ends, whatever its activity. */
  @Column({ name: 'max_lifetime', type: 'integer' })
  maxLifetime: number;

  @Column({ name: 'revoked_at', ...epochMsColumn({ nullable: true }) })
  revokedAt: number | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 255, nullable: true })
  revokedReason: string | null;

  @Column({ name: 'revoked_by', type: 'varchar', length: 255, nullable: true })
  revokedBy: string | null;

  /**
   * SHA-256 of the secret half of the browser's session cookie (`<id>.<secret>`): the id alone,
   * which relying parties see as `sid`, does not let anyone use the session. Null for sessions
   * without a browser (the password grant).
   */
  @Column({ name: 'browser_key_hash', type: 'varchar', length: 64, nullable: true })
  browserKeyHash?: string | null;

  /**
   * Whether `sri` is sealed (SriCodec: it carries the user's tag and the creation time, readable
   * by the server alone), so a global revocation needs no row of its own to answer it as listed.
   * False for SRIs of earlier versions, listed in the revocation's transaction as before.
   */
  @Column({ name: 'sri_sealed', type: 'boolean', default: false })
  sriSealed?: boolean;
}
