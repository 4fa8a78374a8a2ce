import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMsColumn } from './columns';

/**
 * One Token Status List (draft-ietf-oauth-status-list): `capacity` indexes handed out in blocks
 * of `blockSize`, each block leased by one instance by advancing `nextBlock` (a conditional
 * update), so instances sharing the store never hand out the same index.
 */
@Entity('status_list')
export class StatusListEntity {
  /** The list's number, the last segment of its uri. */
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  capacity: number;

  @Column({ name: 'block_size', type: 'integer' })
  blockSize: number;

  /** Blocks leased so far; the list is full at capacity / blockSize. */
  @Column({ name: 'next_block', type: 'integer' })
  nextBlock: number;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;

  /** Every token that can carry an index of a block leased so far has expired by then (raised at each lease). */
  @Column({ name: 'expires_at', ...epochMsColumn() })
  expiresAt: number;
}
