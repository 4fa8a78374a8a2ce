import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMsColumn } from './columns';

/** PingFederate's session revocation list: one entry per revoked session reference identifier. */
@Entity('revoked_sri')
@Index('IDX_revoked_sri_created', ['createdAt'])
@Index('IDX_revoked_sri_expires', ['expiresAt'])
@Index('IDX_revoked_sri_lister', ['revokedBy', 'createdAt'])
export class RevokedSriEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  sri: string;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;

  @Column({ name: 'expires_at', ...epochMsColumn() })
  expiresAt: number;

  /** Who listed it: the client (Session Revocation API, Session Management API, global revocation) or the admin. Each holds its share of the list. */
  @Column({ name: 'revoked_by', type: 'varchar', length: 255, nullable: true })
  revokedBy: string | null;
}
