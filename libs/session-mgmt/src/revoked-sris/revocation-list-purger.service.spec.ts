import { Logger } from '@nestjs/common';
import { RevocationListConfig } from '@app/common';
import { RevokedSriEntity, RevokedSriLifetime, RevokedSriRepository } from '@app/store';
import { RevocationListPurger } from './revocation-list-purger.service';

/** The repository's contract, in memory; the e2e suites run the real one on SQLite and PostgreSQL. */
class InMemoryList {
  rows: RevokedSriEntity[] = [];
  countCalls = 0;
  async purgeExpired(now: number) {
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => r.expiresAt > now);
    return before - this.rows.length;
  }
  async countByLister() {
    this.countCalls++;
    const counts = new Map<string | null, number>();
    for (const r of this.rows) counts.set(r.revokedBy, (counts.get(r.revokedBy) ?? 0) + 1);
    return counts;
  }
  async oldestOf(revokedBy: string | null, limit: number) {
    return this.rows.filter((r) => r.revokedBy === revokedBy).sort((a, b) => a.createdAt - b.createdAt || a.sri.localeCompare(b.sri)).slice(0, limit);
  }
  async deleteListedUpTo(sris: string[], upTo: number) {
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => !(sris.includes(r.sri) && r.createdAt <= upTo));
    return before - this.rows.length;
  }
}

const MIN = 60_000;

describe('RevocationListPurger', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => { warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined); jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined); });
  afterEach(() => jest.restoreAllMocks());

  function make(max: number) {
    const list = new InMemoryList();
    const config: RevocationListConfig = { lifetime: 490, max, purgeInterval: 60 };
    return { list, purger: new RevocationListPurger(config, list as unknown as RevokedSriRepository, new RevokedSriLifetime(config)) };
  }

  const entry = (sri: string, createdAt: number, expiresAt = createdAt + 490 * MIN, revokedBy = 'c'): RevokedSriEntity => ({ sri, createdAt, expiresAt, revokedBy });

  it('deletes expired entries, then the oldest over the maximum, and warns only about those still within their lifetime', async () => {
    const { list, purger } = make(2);
    const now = Date.now();
    list.rows = [entry('expired', now - 500 * MIN, now - 10 * MIN), entry('b', now - 3000), entry('a', now - 3000), entry('c', now - 2000), entry('d', now - 1000)];
    const result = await purger.purge();
    expect(result).toEqual({ expired: 1, overMaximum: 2, beforeLifetime: 2 });
    expect(list.rows.map((r) => r.sri).sort()).toEqual(['c', 'd']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/held 4 entries, over its maximum of 2: purged the 2 oldest, 2 of them before the end of their 490-minute lifetime/);
  });

  it('over the maximum, takes the oldest entries of the clients over their share, never those of a client within it', async () => {
    const { list, purger } = make(6);
    const now = Date.now();
    const of = (lister: string, n: number, from: number) => Array.from({ length: n }, (_, i) => entry(`${lister}-${i}`, from + i, undefined, lister));
    // The flooder listed last, the others first: oldest first alone would have taken the others' entries.
    list.rows = [...of('a', 1, now - 9000), ...of('b', 3, now - 8000), ...of('flood', 20, now - 1000)];
    expect(await purger.purge()).toEqual({ expired: 0, overMaximum: 18, beforeLifetime: 18 });
    expect(list.rows.map((r) => r.sri).sort()).toEqual(['a-0', 'b-0', 'b-1', 'b-2', 'flood-18', 'flood-19']);
    expect(String(warn.mock.calls[0][0])).toMatch(/purged the 18 oldest, .*from the listers over their share \(flood: 18\)/);
  });

  it('stays silent when the list is within its maximum', async () => {
    const { list, purger } = make(10);
    list.rows = [entry('a', Date.now())];
    expect(await purger.purge()).toEqual({ expired: 0, overMaximum: 0, beforeLifetime: 0 });
    expect(warn).not.toHaveBeenCalled();
  });

  it('purges at once when inserts take the list over its maximum, and not before', async () => {
    const { list, purger } = make(2);
    await purger.purge(); // counted: empty
    const now = Date.now();
    list.rows.push(entry('a', now), entry('b', now + 1));
    purger.added(2);
    await purger.purge();
    const counted = list.countCalls;
    list.rows.push(entry('c', now + 2));
    purger.added(1);
    await new Promise((r) => setImmediate(r));
    await purger.purge();
    expect(list.rows.map((r) => r.sri)).toEqual(['b', 'c']);
    expect(list.countCalls).toBeGreaterThan(counted);
  });

  it('never runs two purges at once; a call during a purge gets one more pass', async () => {
    const { list, purger } = make(1);
    let running = 0;
    let maxRunning = 0;
    const original = list.countByLister.bind(list);
    list.countByLister = async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return original();
    };
    const now = Date.now();
    list.rows = [entry('a', now), entry('b', now + 1)];
    const first = purger.purge();
    list.rows.push(entry('c', now + 2)); // listed while the first pass runs
    const second = purger.purge();
    await Promise.all([first, second]);
    expect(maxRunning).toBe(1);
    expect(list.rows.map((r) => r.sri)).toEqual(['c']);
  });
});
