import { RETRY_AFTER_MAX_MS, retryAfterMs, retryDelay } from './retry-policy';

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

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay-seconds and HTTP-dates', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(['30'], now)).toBe(30_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
  });

  it('treats a date in the past as now, and caps what a receiver may ask at a day', () => {
    expect(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('999999999', now)).toBe(RETRY_AFTER_MAX_MS);
  });

  it('ignores an absent or unreadable header', () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
  });
});
