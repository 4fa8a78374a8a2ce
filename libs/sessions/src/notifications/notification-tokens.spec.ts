import type { NotificationOutboxEntity } from '@app/store';
import { BACKCHANNEL_LOGOUT_EVENT, CAEP_SESSION_REVOKED_EVENT, logoutTokenClaims, sessionRevokedSetClaims } from './notification-tokens';

const row = {
  id: 'row-1', clientId: 'rp1',
  payload: { sub: 'user-1', sid: 'sid-1', event_timestamp: 1_700_000_000, initiating_entity: 'admin', reason: 'user_deleted' },
} as Pick<NotificationOutboxEntity, 'id' | 'clientId' | 'payload'>;
const now = 1_700_000_100_900;

describe('logoutTokenClaims (Back-Channel Logout 1.0 §2.4)', () => {
  it('has iss, aud, iat, exp, jti, sub, sid and the back-channel logout event, and no nonce', () => {
    const claims = logoutTokenClaims('https://idp.example', row, now);
    expect(claims).toEqual({
      iss: 'https://idp.example', aud: 'rp1', iat: 1_700_000_100, exp: 1_700_000_220, jti: 'row-1', sub: 'user-1', sid: 'sid-1',
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    });
    expect(claims).not.toHaveProperty('nonce');
    expect(BACKCHANNEL_LOGOUT_EVENT).toBe('http://schemas.openid.net/event/backchannel-logout');
  });
});

describe('sessionRevokedSetClaims (RFC 8417, CAEP session-revoked)', () => {
  it('names the subject as an RFC 9493 iss_sub identifier, with the event time in seconds and who ended the session', () => {
    expect(sessionRevokedSetClaims('https://idp.example', row, now)).toEqual({
      iss: 'https://idp.example', aud: 'rp1', iat: 1_700_000_100, jti: 'row-1',
      sub_id: { format: 'iss_sub', iss: 'https://idp.example', sub: 'user-1' },
      sid: 'sid-1',
      events: { [CAEP_SESSION_REVOKED_EVENT]: { event_timestamp: 1_700_000_000, initiating_entity: 'admin', reason_admin: { en: 'user_deleted' } } },
    });
    expect(CAEP_SESSION_REVOKED_EVENT).toBe('https://schemas.openid.net/secevent/caep/event-type/session-revoked');
  });
});
