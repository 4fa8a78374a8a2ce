import { SriExpiryTable } from './sri-expiry-table';

describe('SriExpiryTable', () => {
  it('answers like a Map through sets, renewals, deletes and growth', () => {
    const table = new SriExpiryTable(4);
    const model = new Map<string, number>();
    let seed = 7;
    const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    const key = (i: number) => (i % 5 === 0 ? `é-${i}-ü` : `sri-${i}`);
    for (let step = 0; step < 20_000; step++) {
      const k = key(rand(3000));
      const op = rand(10);
      if (op < 6) {
        const v = 1_700_000_000_000 + rand(1_000_000);
        table.set(k, v);
        model.set(k, v);
      } else if (op < 9) {
        expect(table.delete(k)).toBe(model.delete(k));
      } else {
        const now = 1_700_000_000_000 + rand(1_000_000);
        let expired = 0;
        for (const [mk, mv] of model) if (mv <= now) (model.delete(mk), expired++);
        expect(table.deleteExpired(now)).toBe(expired);
      }
      expect(table.size).toBe(model.size);
    }
    for (let i = 0; i < 3000; i++) expect(table.get(key(i))).toBe(model.get(key(i)));
    expect(table.get('never-listed')).toBeUndefined();
  });

  it('tells apart SRIs that differ only in length or in one byte, and keeps exact millisecond expiries', () => {
    const table = new SriExpiryTable();
    table.reserve(3);
    table.set('abc', 1_764_000_000_001);
    table.set('abcd', 2);
    table.set('abd', 3);
    expect([table.get('abc'), table.get('abcd'), table.get('abd'), table.get('ab')]).toEqual([1_764_000_000_001, 2, 3, undefined]);
    table.set('abc', 4);
    expect(table.get('abc')).toBe(4);
    expect(table.size).toBe(3);
  });

  it('holds the longest SRI the API accepts (255 characters, multi-byte)', () => {
    const table = new SriExpiryTable();
    const long = '€'.repeat(255);
    table.set(long, 9);
    expect(table.get(long)).toBe(9);
    expect(table.get('€'.repeat(254))).toBeUndefined();
  });
});
