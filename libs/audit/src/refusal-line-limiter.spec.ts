import type { AuditRecord } from './audit-record';
import { addressGroup, RefusalLineLimiter, RefusalLineLimits } from './refusal-line-limiter';

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  time: new Date(), ip: '203.0.113.9', httpMethod: 'GET', path: '/admin/x', status: 404, extra: {}, ...over,
});

function setUp(limits: Partial<RefusalLineLimits> = {}) {
  const summaries: AuditRecord[] = [];
  const limiter = new RefusalLineLimiter({ perAddress: 3, total: 10, windowMs: 60_000, ...limits }, (s) => summaries.push(s));
  /** How many of `n` records like `over` are let through. */
  const send = (n: number, over: Partial<AuditRecord> = {}) => Array.from({ length: n }, () => limiter.admit(record(over))).filter(Boolean).length;
  /** The summaries as [ip, path, status, note]. */
  const written = () => summaries.map((s) => [s.ip, s.path, s.status, s.extra.note, s.httpMethod, s.name]);
  return { limiter, summaries, send, written };
}

describe('RefusalLineLimiter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets `perAddress` lines per address and status through in a window, counts the rest, and sums them up when it ends', () => {
    const { limiter, send, written } = setUp();
    expect(send(50)).toBe(3);
    expect(send(5, { status: 401 })).toBe(3);
    expect(send(2, { ip: '198.51.100.1' })).toBe(2);
    expect(limiter.suppressedTotal).toBe(49);
    expect(written()).toEqual([]);
    jest.advanceTimersByTime(60_000);
    expect(written()).toEqual([
      ['203.0.113.9', 'suppressed=47', 404, 'suppressed=47', '', undefined],
      ['203.0.113.9', 'suppressed=2', 401, 'suppressed=2', '', undefined],
    ]);
    // A new window starts afresh.
    expect(send(5)).toBe(3);
  });

  it('never holds back the line of an authenticated call, a 5xx or a success', () => {
    const { limiter, send } = setUp({ perAddress: 1, total: 1 });
    expect(send(100, { name: 'rp1', authMethod: 'bearer', status: 404 })).toBe(100);
    expect(send(100, { name: 'rp1', status: 403 })).toBe(100);
    expect(send(100, { status: 500 })).toBe(100);
    expect(send(100, { status: 200 })).toBe(100);
    expect(send(100, { status: 302 })).toBe(100);
    expect(limiter.suppressedTotal).toBe(0);
  });

  it('caps all addresses together: past `total`, addresses without a line share one summary per status, without an address', () => {
    const { send, written } = setUp({ perAddress: 2, total: 5 });
    let through = 0;
    for (let i = 0; i < 100; i++) through += send(3, { ip: `192.0.2.${i}` });
    expect(through).toBe(5);
    jest.advanceTimersByTime(60_000);
    // 192.0.2.0 and .1 wrote 2 each, .2 wrote 1: their own summaries; the 97 others share one.
    expect(written()).toEqual([
      ['192.0.2.0', 'suppressed=1', 404, 'suppressed=1', '', undefined],
      ['192.0.2.1', 'suppressed=1', 404, 'suppressed=1', '', undefined],
      ['192.0.2.2', 'suppressed=2', 404, 'suppressed=2', '', undefined],
      [undefined, 'suppressed=291', 404, 'suppressed=291', '', undefined],
    ]);
  });

  it('counts an IPv6 /64 as one address, and an IPv4-mapped address as the IPv4 one', () => {
    const { send, written } = setUp({ perAddress: 1 });
    expect(send(1, { ip: '2001:db8:1:2::1' }) + send(1, { ip: '2001:db8:1:2:ffff:ffff:ffff:ffff' }) + send(1, { ip: '2001:0db8:0001:0002::abcd' })).toBe(1);
    expect(send(1, { ip: '2001:db8:1:3::1' })).toBe(1);
    expect(send(1, { ip: '::ffff:198.51.100.7' }) + send(1, { ip: '198.51.100.7' })).toBe(1);
    jest.advanceTimersByTime(60_000);
    expect(written().map(([ip, path]) => [ip, path])).toEqual([['2001:db8:1:2::/64', 'suppressed=2'], ['198.51.100.7', 'suppressed=1']]);
  });

  it.each([
    ['::1', '::/64'], ['fe80::1%eth0', 'fe80::/64'], ['1::', '1::/64'], ['::ffff:10.0.0.1', '10.0.0.1'], ['0:1::', '0:1::/64'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4::/64'], ['1:2::6:7:1.2.3.4', '1:2::/64'], ['10.1.2.3', '10.1.2.3'], ['not an address', 'not an address'],
  ])('addressGroup(%s) is %s', (ip, group) => {
    expect(addressGroup(ip)).toBe(group);
  });

  it('flush writes the summaries of the window at once (at shutdown)', () => {
    const { limiter, send, written } = setUp({ perAddress: 1 });
    send(4);
    limiter.flush();
    expect(written()).toEqual([['203.0.113.9', 'suppressed=3', 404, 'suppressed=3', '', undefined]]);
    jest.advanceTimersByTime(60_000);
    expect(written()).toHaveLength(1);
  });

  it('limits nothing with both limits 0; either alone still limits', () => {
    expect(setUp({ perAddress: 0, total: 0 }).send(1000)).toBe(1000);
    expect(setUp({ perAddress: 0, total: 7 }).send(1000)).toBe(7);
    expect(setUp({ perAddress: 7, total: 0 }).send(1000)).toBe(7);
  });
});
