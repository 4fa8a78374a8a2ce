import { SessionConfig } from '@app/common';
import { SessionRepository, UserSessionEntity } from '@app/store';
import { activityWriteDue, SessionActivityService } from './session-activity.service';

const MIN = 60_000;

function session(over: Partial<UserSessionEntity> = {}): UserSessionEntity {
  const now = Date.now();
  return {
    id: 's1', sri: 'sri1', userId: 'u1', clientIds: ['rp1'], authnSource: 'password', clientIp: null, userAgent: null,
    createdAt: now, lastActivityAt: now, idleTimeout: 1800, maxLifetime: 28800, revokedAt: null, revokedReason: null, revokedBy: null, ...over,
  };
}

/** Records conditional writes the way the real repository applies them. */
class FakeSessions {
  writes: { id: string; at: number; idleTimeout: number }[] = [];
  async recordActivity(id: string, _seen: number, at: number, idleTimeout: number) {
    this.writes.push({ id, at, idleTimeout });
    return true;
  }
}

describe('activityWriteDue (75% rule)', () => {
  const t0 = 1_700_000_000_000;
  it('skips the write while at least 75% of the idle window remains', () => {
    const s = { lastActivityAt: t0, idleTimeout: 1200 }; // 20 minutes
    expect(activityWriteDue(s, 1200, t0)).toBe(false);
    expect(activityWriteDue(s, 1200, t0 + 5 * MIN)).toBe(false); // exactly 75% left
    expect(activityWriteDue(s, 1200, t0 + 5 * MIN + 1)).toBe(true);
  });

  it('writes when the idle timeout the session should have differs from the stored one', () => {
    expect(activityWriteDue({ lastActivityAt: t0, idleTimeout: 1800 }, 600, t0)).toBe(true);
  });
});

describe('SessionActivityService', () => {
  const config = { idleTimeout: 1800, idleTimeoutOverrides: { ldap: 600 } } as Partial<SessionConfig> as SessionConfig;

  function make() {
    const repo = new FakeSessions();
    return { repo, activity: new SessionActivityService(config, repo as unknown as SessionRepository) };
  }

  it('prefers the authentication source override to the global idle timeout', () => {
    const { activity } = make();
    expect(activity.idleTimeoutOf({ authnSource: 'ldap' })).toBe(600);
    expect(activity.idleTimeoutOf({ authnSource: 'password' })).toBe(1800);
  });

  it('coalesces a burst and writes once a quarter of the window has gone', async () => {
    const { repo, activity } = make();
    const now = Date.now();
    const s = session({ lastActivityAt: now - 60_000 });
    for (let i = 0; i < 10; i++) expect(await activity.touch(s, now)).toBe('coalesced');
    expect(repo.writes).toHaveLength(0);
    const later = now + 8 * MIN; // 9 of 30 minutes gone: 70% left
    expect(await activity.touch(s, later)).toBe('extended');
    expect(repo.writes).toEqual([{ id: 's1', at: later, idleTimeout: 1800 }]);
    expect(s.lastActivityAt).toBe(later);
    expect(await activity.touch(s, later + 1000)).toBe('coalesced');
    expect(repo.writes).toHaveLength(1);
  });

  it('does not write again for a request that read the row before this instance extended it, nor during the write', async () => {
    const { repo, activity } = make();
    const now = Date.now();
    const stale = () => session({ lastActivityAt: now - 10 * MIN });
    const first = activity.touch(stale(), now);
    expect(await activity.touch(stale(), now)).toBe('coalesced'); // while the first write is in flight
    expect(await first).toBe('extended');
    expect(await activity.touch(stale(), now + 1000)).toBe('coalesced'); // read before the write landed
    expect(repo.writes).toHaveLength(1);
  });

  it('never revives an idle-expired, revoked or too old session', async () => {
    const { repo, activity } = make();
    const now = Date.now();
    expect(await activity.touch(session({ lastActivityAt: now - 1801_000 }), now)).toBe('invalid');
    expect(await activity.touch(session({ revokedAt: now - 1 }), now)).toBe('invalid');
    expect(await activity.touch(session({ createdAt: now - 28801_000, lastActivityAt: now - 1000 }), now)).toBe('invalid');
    expect(repo.writes).toHaveLength(0);
  });
});
