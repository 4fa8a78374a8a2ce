import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMsColumn, jsonColumn } from './columns';

/**
 * A global token revocation whose caller waits for its completion receipt (a session-revoked SET
 * on the caller's Shared Signals streams): kept from the request's commit until the session
 * watermark worker has ended every session under `validAfter`, then deleted as the receipt is
 * queued, so exactly one instance queues it.
 */
@Entity('revocation_receipt')
@Index('IDX_revocation_receipt_user', ['userId', 'validAfter'])
export class RevocationReceiptEntity {
  /** The request's `txn`, repeated in the receipt SET. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  txn: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  /** The calling client, owner of the streams the receipt goes to. */
  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  /** The watermark the request raised: the receipt is due once the worker has ended the sessions up to it. */
  @Column({ name: 'valid_after', ...epochMsColumn() })
  validAfter: number;

  /** The `user` member of the receipt's subject: the user as the caller named them, where a SET can say it. */
  @Column({ name: 'user_subject', ...jsonColumn() })
  userSubject: Record<string, string>;

  @Column({ name: 'initiating_entity', type: 'varchar', length: 16 })
  initiatingEntity: string;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;
}
