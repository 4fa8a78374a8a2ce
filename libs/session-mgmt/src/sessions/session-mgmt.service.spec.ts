import { UserSessionEntity } from '@app/store';
import { describeSession, userSessionStatus } from './session-mgmt.service';

const H = 3_600_000;
const now = Date.UTC(2026, 0, 5, 12);

function session(over: Partial<UserSessionEntity> = {}): UserSessionEntity {
  return {
    id: 's', sri: 'sri-1', userId: 'u', clientIds: ['rp1'], authnSource: 'password', clientIp: '203.0.113.7', userAgent: 'curl/8.5.0',
    createdAt: now - H, lastActivityAt: now - 60_000, idleTimeout: 1800, maxLifetime: 8 * 3600, revokedAt: null, revokedReason: null, revokedBy: null, ...over,
  };
}

describe('userSessionStatus', () => {
  it('HAS_VALID_SESSIONS as soon as one session is valid', () => {
    expect(userSessionStatus([session({ revokedAt: now - 1 }), session()], now)).toBe('HAS_VALID_SESSIONS');
  });

  it('SESSION_REVOKED when none is valid and one was revoked before the end of its maximum lifetime', () => {
    expect(userSessionStatus([session({ revokedAt: now - 1 })], now)).toBe('SESSION_REVOKED');
  });

  it('NO_VALID_SESSIONS for no sessions, expired ones, or revocations past their maximum lifetime', () => {
    expect(userSessionStatus([], now)).toBe('NO_VALID_SESSIONS');
    expect(userSessionStatus([session({ lastActivityAt: now - H })], now)).toBe('NO_VALID_SESSIONS');
    expect(userSessionStatus([session({ createdAt: now - 9 * H, revokedAt: now - 8.5 * H })], now)).toBe('NO_VALID_SESSIONS');
  });
});

describe('describeSession', () => {
  it('gives instants in ISO 8601 and timeouts in minutes, as PingFederate configures them', () => {
    expect(describeSession(session())).toEqual({
      sri: 'sri-1', authnSource: 'password',
      creationTime: '2026-01-05T11:00:00.000Z', lastActivityTime: '2026-01-05T11:59:00.000Z',
      idleTimeoutMins: 30, maxTimeoutMins: 480,
      idleExpiryTime: '2026-01-05T12:29:00.000Z', maxExpiryTime: '2026-01-05T19:00:00.000Z',
      contextData: { ipAddress: '203.0.113.7', userAgent: 'curl/8.5.0' },
    });
  });
});
