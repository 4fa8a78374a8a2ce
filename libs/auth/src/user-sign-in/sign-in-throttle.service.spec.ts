import { SignInConfig } from '@app/common';
import { progressiveDelay, SignInReservation, SignInRefusal, SignInThrottle, usernameDigest } from './sign-in-throttle.service';

const settings = (over: Partial<SignInConfig> = {}): SignInConfig => ({ perUser: 5, perIp: 100, window: 60, delayMs: 100, maxDelayMs: 1000, ...over });
const throttle = (over: Partial<SignInConfig> = {}) => new SignInThrottle(settings(over), { keyPrefix: 'test:' });

function allowed(r: SignInReservation | SignInRefusal): SignInReservation {
  if (!r.allowed) throw new Error(`refused, retry after ${r.retryAfterSeconds} s`);
  return r;
}

describe('progressiveDelay', () => {
  it('spares the first two attempts, then doubles from delayMs up to maxDelayMs', () => {
    const s = { delayMs: 500, maxDelayMs: 4000 };
    expect([1, 2, 3, 4, 5, 6, 7, 10, 1000].map((n) => progressiveDelay(n, s))).toEqual([0, 0, 500, 1000, 2000, 4000, 4000, 4000, 4000]);
    expect(progressiveDelay(5, { delayMs: 0, maxDelayMs: 4000 })).toBe(0);
  });
});

describe('usernameDigest', () => {
  it('counts a username in any case, width or surrounding space as one', () => {
    expect(usernameDigest(' Alice ')).toBe(usernameDigest('alice'));
    expect(usernameDigest('ＡＬＩＣＥ')).toBe(usernameDigest('alice'));
    expect(usernameDigest('alice2')).not.toBe(usernameDigest('alice'));
    expect(usernameDigest('alice')).not.toContain('alice');
  });
});

describe('SignInThrottle (in memory)', () => {
  it('reserves each attempt before its check: perUser attempts, then refusals with the wait, the first one marked', async () => {
    const t = throttle();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) delays.push(allowed(await t.reserve('alice', '10.0.0.1')).delayMs);
    expect(delays).toEqual([0, 0, 100, 200, 400]);
    const first = await t.reserve('alice', '10.0.0.2');
    expect(first).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number), first: true });
    expect((first as SignInRefusal).retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect((first as SignInRefusal).retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await t.reserve('ALICE', '10.0.0.3')).toMatchObject({ allowed: false, first: false });
    expect((await t.reserve('bob', '10.0.0.1')).allowed).toBe(true);
  });

  it('lets a concurrent burst have no more checks than the limit', async () => {
    const t = throttle();
    const burst = await Promise.all(Array.from({ length: 20 }, () => t.reserve('alice', '10.0.0.1')));
    expect(burst.filter((r) => r.allowed)).toHaveLength(5);
  });

  it('a success clears the username\'s count and gives the address its point back', async () => {
    const t = throttle({ perUser: 3, perIp: 3 });
    for (let i = 0; i < 2; i++) allowed(await t.reserve('alice', '10.0.0.1'));
    for (let i = 0; i < 3; i++) await allowed(await t.reserve('alice', '10.0.0.1')).succeeded();
    // The address holds the two failures alone: one more is allowed, then it is over.
    allowed(await t.reserve('bob', '10.0.0.1'));
    expect((await t.reserve('carol', '10.0.0.1')).allowed).toBe(false);
    // alice starts over: three attempts, the third delayed as a third, then the limit.
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) delays.push(allowed(await t.reserve('alice', '10.0.0.2')).delayMs);
    expect(delays).toEqual([0, 0, 100]);
    expect((await t.reserve('alice', '10.0.0.2')).allowed).toBe(false);
  });

  it('a refusal counts only where the count was over: a blocked address does not use up the username', async () => {
    const t = throttle({ perIp: 2 });
    allowed(await t.reserve('u1', '10.0.0.1'));
    allowed(await t.reserve('u2', '10.0.0.1'));
    for (let i = 0; i < 3; i++) expect((await t.reserve('u3', '10.0.0.1')).allowed).toBe(false);
    // u3's attempts from elsewhere are its first in the window: no delay until the third.
    const delays: number[] = [];
    for (const ip of ['10.0.0.2', '10.0.0.2', '10.0.0.3']) delays.push(allowed(await t.reserve('u3', ip)).delayMs);
    expect(delays).toEqual([0, 0, 100]);
  });

  it('cancel gives every point back: an attempt that could not be checked counts against nothing', async () => {
    const t = throttle({ perUser: 2, perIp: 2 });
    for (let i = 0; i < 5; i++) await allowed(await t.reserve('alice', '10.0.0.1')).cancel();
    expect((await t.reserve('alice', '10.0.0.1')).allowed).toBe(true);
  });

  it('with both limits at 0, refuses nothing and never waits', async () => {
    const t = throttle({ perUser: 0, perIp: 0 });
    for (let i = 0; i < 20; i++) expect(allowed(await t.reserve('alice', '10.0.0.1')).delayMs).toBe(0);
  });
});
