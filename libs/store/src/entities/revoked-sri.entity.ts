import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMsColumn } from './columns';

/** PingFederate's session revocation list: one entry per revoked session reference identifier. */
@Entity('revoked_sri')
@Index('IDX_revoked_sri_created', ['createdAt'])
@Index('IDX_revoked_sri_expires', ['expiresAt'])
export class RevokedSriEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  sri: string;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;

  @Column({ name: 'expires_at', ...epochMsColumn() })
  expiresAt: number;

  @Column({ name: 'revoked_by', type: 'varchar', length: 255, nullable: true })
  revokedBy: string | null;
}
