import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMsColumn } from './columns';

/**
 * A JWT id already presented by a client (e.g. a global-token-revocation+jwt assertion), kept
 * until the JWT expires so a replay is refused. The key is (client, jti): ids are unique per issuer.
 */
@Entity('used_jti')
@Index('IDX_used_jti_expires', ['expiresAt'])
export class UsedJtiEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  jti: string;

  @Column({ name: 'expires_at', ...epochMsColumn() })
  expiresAt: number;
}
