import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMsColumn } from './columns';

/**
 * A reversible hold on a user: while the row exists every token of theirs answers inactive
 * (status SUSPENDED in the status lists); resuming deletes it, and tokens not otherwise revoked
 * are good again.
 */
@Entity('user_suspension')
export class UserSuspensionEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  @Column({ name: 'suspended_at', ...epochMsColumn() })
  suspendedAt: number;

  /** The admin client or CLI actor. */
  @Column({ name: 'suspended_by', type: 'varchar', length: 255, nullable: true })
  suspendedBy: string | null;
}
