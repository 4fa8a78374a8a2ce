import { planNotifications } from './notification-plan';

const ending = { reason: 'end_session', by: 'rp1', at: 1_700_000_000_123, initiatingEntity: 'user' as const };
let n = 0;
const ids = () => `n-${++n}`;

describe('planNotifications', () => {
  beforeEach(() => { n = 0; });

  it('queues one logout token per client of each session with a back-channel logout URI, and nothing else', () => {
    const rows = planNotifications(
      [
        { id: 's1', sri: 'sri-1', userId: 'u1', clientIds: ['rp1', 'rp2', 'silent', 'gone'] },
        { id: 's2', sri: 'sri-2', userId: 'u1', clientIds: ['rp2'] },
      ],
      [
        { clientId: 'rp1', backchannelLogoutUri: 'https://rp1.example/bcl' },
        { clientId: 'rp2', backchannelLogoutUri: 'https://rp2.example/bcl' },
        { clientId: 'silent', backchannelLogoutUri: null },
      ],
      ending,
      ids,
    );
    expect(rows.map((r) => [r.clientId, r.kind, r.targetUrl, r.payload.sid])).toEqual([
      ['rp1', 'backchannel_logout', 'https://rp1.example/bcl', 's1'],
      ['rp2', 'backchannel_logout', 'https://rp2.example/bcl', 's1'],
      ['rp2', 'backchannel_logout', 'https://rp2.example/bcl', 's2'],
    ]);
    expect(rows[0]).toEqual({
      id: 'n-1', kind: 'backchannel_logout', clientId: 'rp1', targetUrl: 'https://rp1.example/bcl',
      payload: { sub: 'u1', sid: 's1', event_timestamp: 1_700_000_000, initiating_entity: 'user', reason: 'end_session' },
      status: 'pending', attempts: 0, nextAttemptAt: ending.at, leaseId: null, lastError: null, createdAt: ending.at, deliveredAt: null, streamId: null,
    });
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it('tells a client once per session even if the session lists it twice, and nobody without receivers', () => {
    const rows = planNotifications([{ id: 's1', sri: 'x', userId: 'u1', clientIds: ['rp1', 'rp1'] }], [{ clientId: 'rp1', backchannelLogoutUri: 'https://rp1.example/bcl' }], ending, ids);
    expect(rows).toHaveLength(1);
    expect(planNotifications([{ id: 's1', sri: 'x', userId: 'u1', clientIds: ['rp1'] }], [], ending, ids)).toEqual([]);
  });
});
