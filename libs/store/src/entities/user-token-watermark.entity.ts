import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMsColumn } from './columns';

/**
 * "Tokens valid after": every token of this user issued before `validAfter` is revoked.
 * One row per user makes global revocation cost the same for 10 tokens as for 100,000.
 */
@Entity('user_token_watermark')
export class UserTokenWatermarkEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  @Column({ name: 'valid_after', ...epochMsColumn() })
  validAfter: number;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reason: string | null;
}
