import { randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { BLOCK_USE_LIMIT_MS } from '../status-list.constants';
import type { LeasedBlock } from '../store/status-list.repository';

/** An index handed out: unique across every instance on the store for as long as its token can live. */
export interface AllocatedIndex {
  listId: number;
  idx: number;
}

/** Leases a block, in the caller's transaction when given one. */
export type BlockLease = (em?: EntityManager) => Promise<LeasedBlock>;

/** A leased block's indexes, in random order (draft §12.4, §12.5: non-sequential indexes). */
class ShuffledBlock {
  private readonly order: Uint32Array;
  private used = 0;

  constructor(readonly lease: LeasedBlock) {
    this.order = new Uint32Array(lease.size);
    for (let i = 0; i < lease.size; i++) this.order[i] = lease.start + i;
    // Fisher-Yates with a CSPRNG: the order of issuance says nothing about the index.
    for (let i = lease.size - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      const t = this.order[i];
      this.order[i] = this.order[j];
      this.order[j] = t;
    }
  }

  get remaining(): number {
    return this.order.length - this.used;
  }

  usableAt(now: number): boolean {
    return this.remaining > 0 && now - this.lease.leasedAt < BLOCK_USE_LIMIT_MS;
  }

  take(): AllocatedIndex {
    return { listId: this.lease.listId, idx: this.order[this.used++] };
  }
}

/**
 * Hands out status list indexes from leased blocks without a store round trip: the next block
 * is leased in the background once a quarter of the current one is left. Only when both are
 * used up (a burst larger than a block within one lease) does an allocation wait for a lease.
 * A block is used for BLOCK_USE_LIMIT_MS at most, so that a list's expiry can be known from its leases.
 */
export class BlockAllocator {
  private current?: ShuffledBlock;
  private next?: ShuffledBlock;
  private refilling?: Promise<ShuffledBlock>;

  constructor(private readonly leaseBlock: BlockLease, private readonly now: () => number = Date.now) {}

  /**
   * The next index. `em`: the caller's open transaction. A lease that must wait inside one goes
   * through it (on SQLite another transaction would queue behind it for ever), and since it
   * rolls back with the caller's, that block serves this one index only and is then dropped.
   */
  allocate(em?: EntityManager): AllocatedIndex | Promise<AllocatedIndex> {
    const now = this.now();
    if (!this.current?.usableAt(now)) {
      this.current = this.next?.usableAt(now) ? this.next : undefined;
      this.next = undefined;
    }
    const block = this.current;
    if (!block) {
      if (em) {
        void this.refill().catch(() => undefined);
        return this.leaseBlock(em).then((lease) => new ShuffledBlock(lease).take());
      }
      return this.refill().then(() => this.allocate());
    }
    const allocated = block.take();
    if (block.remaining <= block.lease.size / 4 && !this.next && !this.refilling) void this.refill().catch(() => undefined);
    return allocated;
  }

  /** Resolves once no lease is under way. */
  async idle(): Promise<void> {
    await this.refilling?.catch(() => undefined);
  }

  /** Leases the next block outside any transaction; one lease at a time. */
  private refill(): Promise<ShuffledBlock> {
    this.refilling ??= this.leaseBlock()
      .then((lease) => {
        const block = new ShuffledBlock(lease);
        if (this.current?.usableAt(this.now())) this.next = block;
        else this.current = block;
        return block;
      })
      .finally(() => {
        this.refilling = undefined;
      });
    return this.refilling;
  }
}
