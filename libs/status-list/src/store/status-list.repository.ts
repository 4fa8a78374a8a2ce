import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { StatusListEntity, StatusListEntryEntity, Transactor } from '@app/store';

/** A block of indexes leased to one allocator: `[start, start + size)` of list `listId`. */
export interface LeasedBlock {
  listId: number;
  start: number;
  size: number;
  leasedAt: number;
}

/** What a new list is made of (the settings when it is created; a list keeps its own). */
export interface ListShape {
  capacity: number;
  blockSize: number;
}

/** Attempts at a lease before giving up: each lost race means another instance leased a block. */
const LEASE_ATTEMPTS = 100;

/**
 * The status lists in the store. A block is leased by advancing the list's `next_block` with a
 * conditional update (compare and set), so two instances can never lease the same block; a
 * full list rolls over to a new one, created by whoever needs it first.
 */
@Injectable()
export class StatusListRepository {
  constructor(private readonly dataSource: DataSource, private readonly tx: Transactor) {}

  /**
   * Leases the next free block of the oldest list that has one. `tokensExpireBy` is when every
   * token given an index of this block has expired: the list's expiry is raised to it.
   * With `em`, the lease is part of the caller's transaction (and rolls back with it).
   */
  async leaseBlock(shape: ListShape, tokensExpireBy: number, em?: EntityManager): Promise<LeasedBlock> {
    for (let attempt = 0; attempt < LEASE_ATTEMPTS; attempt++) {
      const leased = await this.tryLease(shape, tokensExpireBy, em);
      if (leased) return leased;
    }
    throw new Error('No status list block could be leased: too much contention');
  }

  /**
   * One attempt: read the oldest open list, then advance its counter only if nobody did in
   * between. Each write is a transaction of its own that starts with it: on SQLite a transaction
   * that reads and then writes fails at once (SQLITE_BUSY) when another process wrote in between.
   */
  private async tryLease(shape: ListShape, tokensExpireBy: number, em?: EntityManager): Promise<LeasedBlock | undefined> {
    const open = await (em ?? this.dataSource.manager).createQueryBuilder(StatusListEntity, 'l')
      .where('l.next_block * l.block_size < l.capacity').orderBy('l.id', 'ASC').getOne();
    const now = Date.now();
    if (!open) {
      // Rolls over; of two instances creating the same list, one insert is ignored and both retry.
      const [{ max }] = await (em ?? this.dataSource.manager).query('SELECT MAX(id) AS max FROM status_list') as { max: number | string | null }[];
      await this.tx.with(em, (m) => m.createQueryBuilder().insert().into(StatusListEntity)
        .values({ id: Number(max ?? 0) + 1, capacity: shape.capacity, blockSize: shape.blockSize, nextBlock: 0, createdAt: now, expiresAt: 0 })
        .orIgnore().execute());
      return undefined;
    }
    const updated = await this.tx.with(em, (m) => m.createQueryBuilder().update(StatusListEntity)
      .set({ nextBlock: open.nextBlock + 1, expiresAt: Math.max(open.expiresAt, tokensExpireBy) })
      .where('id = :id AND next_block = :seen', { id: open.id, seen: open.nextBlock }).execute());
    if ((updated.affected ?? 0) === 0) return undefined;
    return { listId: open.id, start: open.nextBlock * open.blockSize, size: open.blockSize, leasedAt: now };
  }

  all(): Promise<StatusListEntity[]> {
    return this.dataSource.getRepository(StatusListEntity).find({ order: { id: 'ASC' } });
  }

  /** Drops the lists that are full and whose every token has expired, with their entries (draft §13.1). */
  async dropRetired(now: number): Promise<number[]> {
    const retired = (await this.all()).filter((l) => l.nextBlock * l.blockSize >= l.capacity && l.expiresAt < now).map((l) => l.id);
    if (retired.length === 0) return [];
    await this.tx.run(async (m) => {
      await m.createQueryBuilder().delete().from(StatusListEntryEntity).where('list_id IN (:...ids)', { ids: retired }).execute();
      await m.createQueryBuilder().delete().from(StatusListEntity).where('id IN (:...ids)', { ids: retired }).execute();
    });
    return retired;
  }
}
