import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { bindIntegerParameters, dataSourceOptions, ensurePostgresSchema, Transactor } from '@app/store';
import { BLOCK_USE_LIMIT_MS } from '../status-list.constants';
import { LeasedBlock, StatusListRepository } from '../store/status-list.repository';
import { AllocatedIndex, BlockAllocator } from './block-allocator';

/** A lease that hands out consecutive blocks of one endless list, counting its calls. */
function fakeLeases(size: number, now: () => number = Date.now) {
  const calls: (EntityManager | undefined)[] = [];
  const lease = (em?: EntityManager): Promise<LeasedBlock> => {
    calls.push(em);
    return Promise.resolve({ listId: 1, start: (calls.length - 1) * size, size, leasedAt: now() });
  };
  return { lease, calls };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('BlockAllocator', () => {
  it('hands out every index of a block once, in a shuffled order', async () => {
    const { lease } = fakeLeases(1024);
    const allocator = new BlockAllocator(lease);
    const first = await allocator.allocate();
    const idxs = [first.idx];
    for (let i = 1; i < 1024; i++) idxs.push((allocator.allocate() as AllocatedIndex).idx);
    expect(new Set(idxs).size).toBe(1024);
    expect(Math.min(...idxs)).toBe(0);
    expect(Math.max(...idxs)).toBe(1023);
    // Sorted by chance: 1 in 1024!.
    expect(idxs).not.toEqual([...idxs].sort((a, b) => a - b));
  });

  it('leases the next block in the background before the current one runs out, so allocation never waits', async () => {
    const { lease, calls } = fakeLeases(8);
    const allocator = new BlockAllocator(lease);
    await allocator.allocate();
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) seen.push((allocator.allocate() as AllocatedIndex).idx);
    expect(calls).toHaveLength(1);
    // A quarter (two of eight) left: the next lease starts.
    seen.push((allocator.allocate() as AllocatedIndex).idx);
    expect(calls).toHaveLength(2);
    await settle();
    for (let i = 0; i < 10; i++) {
      const next = allocator.allocate();
      expect(next).not.toBeInstanceOf(Promise);
      seen.push((next as AllocatedIndex).idx);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('leases inside the caller\'s transaction when it must wait there, and uses that block for one index only', async () => {
    const { lease, calls } = fakeLeases(4);
    const allocator = new BlockAllocator(lease);
    const em = {} as EntityManager;
    const inTx = await allocator.allocate(em);
    // The caller's lease, and a background one outside any transaction.
    expect(calls).toHaveLength(2);
    expect(calls).toEqual(expect.arrayContaining([em, undefined]));
    await settle();
    const after = await allocator.allocate();
    // The transaction's block (it may roll back) is never used again.
    const blockOf = (idx: number) => Math.floor(idx / 4);
    expect(blockOf(after.idx)).not.toBe(blockOf(inTx.idx));
  });

  it('stops using a block BLOCK_USE_LIMIT_MS after its lease, so its list\'s expiry holds', async () => {
    let clock = 1_000_000;
    const { lease, calls } = fakeLeases(1024, () => clock);
    const allocator = new BlockAllocator(lease, () => clock);
    const first = await allocator.allocate();
    clock += BLOCK_USE_LIMIT_MS + 1;
    const later = await allocator.allocate();
    expect(calls).toHaveLength(2);
    expect(Math.floor(later.idx / 1024)).toBe(Math.floor(first.idx / 1024) + 1);
  });
});

describe('StatusListRepository leases on one store', () => {
  const pg = process.env.TEST_DATABASE_URL;
  let dir: string | undefined;
  let url: string;
  let schema: string | undefined;
  const sources: DataSource[] = [];
  let sqliteTx: Transactor | undefined;

  /**
   * A repository as one instance has it: its own connection pool on PostgreSQL. On SQLite the
   * two share one connection: two connections in one process deadlock on the file's write lock
   * (one waits synchronously for a transaction the other cannot finish), which two processes do not.
   */
  async function connect(): Promise<StatusListRepository> {
    if (!pg && sqliteTx) return new StatusListRepository(sources[0], sqliteTx);
    if (schema) await ensurePostgresSchema(url, schema);
    const ds = bindIntegerParameters(new DataSource(dataSourceOptions(url, schema)));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    sources.push(ds);
    const tx = new Transactor(ds);
    if (!pg) sqliteTx = tx;
    return new StatusListRepository(ds, tx);
  }

  beforeAll(() => {
    if (pg) {
      url = pg;
      schema = `t_${randomBytes(6).toString('hex')}`;
    } else {
      dir = mkdtempSync(join(tmpdir(), 'status-list-alloc-'));
      url = `sqlite:${join(dir, 'store.sqlite')}`;
    }
  });
  afterAll(async () => {
    if (schema) await sources[0]?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    for (const ds of sources) await ds.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('two allocators (as two instances) never hand out the same index, and full lists roll over', async () => {
    // Migrated one after the other: two processes starting together would each take the migration lock in turn.
    const a = await connect();
    const b = await connect();
    const shape = { capacity: 64, blockSize: 8 };
    const allocators = [a, b].map((repo) => new BlockAllocator(() => repo.leaseBlock(shape, Date.now() + 60_000)));
    const taken = await Promise.all(Array.from({ length: 400 }, (_, i) => Promise.resolve(allocators[i % 2].allocate())));
    const keys = taken.map((t) => `${t.listId}:${t.idx}`);
    expect(new Set(keys).size).toBe(taken.length);
    expect(taken.every((t) => t.idx >= 0 && t.idx < 64)).toBe(true);
    const lists = await a.all();
    expect(lists.length).toBeGreaterThanOrEqual(7);
    // Every list but the last is full; none was leased past its capacity.
    expect(lists.slice(0, -1).every((l) => l.nextBlock * l.blockSize === l.capacity)).toBe(true);
    expect(lists.map((l) => l.id)).toEqual(lists.map((_, i) => i + 1));
  });

  it('drops a full list once every token it could hold has expired, and only then', async () => {
    const repo = await connect();
    const lists = await repo.all();
    const full = lists.filter((l) => l.nextBlock * l.blockSize >= l.capacity);
    expect(await repo.dropRetired(Math.min(...full.map((l) => l.expiresAt)) - 1)).toEqual([]);
    const dropped = await repo.dropRetired(Math.max(...lists.map((l) => l.expiresAt)) + 1);
    expect(dropped.sort((x, y) => x - y)).toEqual(full.map((l) => l.id));
    expect((await repo.all()).map((l) => l.id)).toEqual(lists.filter((l) => !full.includes(l)).map((l) => l.id));
  });
});
