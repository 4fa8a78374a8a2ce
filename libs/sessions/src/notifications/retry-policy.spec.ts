import { retryDelay } from './retry-policy';

describe('retryDelay', () => {
  it('doubles from the base at each failed attempt, without jitter at the midpoint', () => {
    expect([1, 2, 3, 4].map((a) => retryDelay(a, 1000, 1_000_000, () => 0.5))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('varies by at most 20% either way', () => {
    expect(retryDelay(3, 1000, 1_000_000, () => 0)).toBe(3200);
    expect(retryDelay(3, 1000, 1_000_000, () => 1)).toBe(4800);
  });

  it('never exceeds the maximum, however many attempts', () => {
    expect(retryDelay(50, 5000, 3_600_000, () => 1)).toBe(3_600_000);
    expect(retryDelay(1000, 5000, 60_000, () => 0.5)).toBe(60_000);
  });
});
