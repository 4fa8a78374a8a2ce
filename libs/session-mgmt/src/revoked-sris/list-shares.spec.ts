import fc from 'fast-check';
import { overShareQuotas } from './list-shares';

const quotas = (counts: Record<string, number>, excess: number) => Object.fromEntries(overShareQuotas(new Map(Object.entries(counts)), excess));

describe('overShareQuotas', () => {
  it('takes from the largest holders first, lowering them together', () => {
    expect(quotas({ a: 1, flood: 12 }, 3)).toEqual({ flood: 3 });
    expect(quotas({ a: 2, b: 9, c: 9 }, 6)).toEqual({ b: 3, c: 3 });
    // The remainder, one each, from the largest holders at the level (ties by lister).
    expect(quotas({ a: 2, b: 9, c: 9 }, 7)).toEqual({ b: 4, c: 3 });
    expect(quotas({ a: 5, b: 4 }, 9)).toEqual({ a: 5, b: 4 });
    expect(quotas({ a: 5 }, 0)).toEqual({});
  });

  it('counts entries without a lister as one lister', () => {
    expect(Object.fromEntries(overShareQuotas(new Map<string | null, number>([[null, 4], ['a', 1]]), 2))).toEqual({ null: 2 });
  });

  it('takes exactly the excess, never more than a lister holds, and nothing from a lister within its share', () => {
    const counts = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.integer({ min: 1, max: 200 }), { minKeys: 1 });
    fc.assert(fc.property(counts, fc.nat({ max: 400 }), (byLister, max) => {
      const total = Object.values(byLister).reduce((x, y) => x + y, 0);
      fc.pre(total > max);
      const taken = quotas(byLister, total - max);
      expect(Object.values(taken).reduce((x, y) => x + y, 0)).toBe(total - max);
      const share = Math.floor(max / Object.keys(byLister).length);
      for (const [lister, n] of Object.entries(byLister)) {
        expect(taken[lister] ?? 0).toBeLessThanOrEqual(n);
        if (n <= share) expect(taken[lister]).toBeUndefined();
      }
    }));
  });
});
