import { USERINFO_CLAIMS, userClaims } from './user-claims';

describe('userClaims', () => {
  const updatedAt = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

  it('releases only the claims of the scopes granted, from the attributes the user has', () => {
    const attributes = { mail: 'ada@example.com', givenName: 'Ada', sn: 'Lovelace', uid: 'ada', employeeNumber: 'E1' };
    expect(userClaims(['openid', 'email'], attributes, updatedAt)).toEqual({ email: 'ada@example.com' });
    expect(userClaims(['openid', 'profile'], attributes, updatedAt)).toEqual({
      given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada', updated_at: Math.floor(updatedAt / 1000),
    });
    expect(userClaims(['openid'], attributes, updatedAt)).toEqual({});
  });

  it('prefers the attribute named like the claim, reads booleans strictly and wraps the address', () => {
    const attributes = {
      email: 'primary@example.com', mail: 'other@example.com', email_verified: 'TRUE', phone_number: '+1 555 0100', phone_number_verified: 'yes',
      address: '1 Main St\nSpringfield', name: 'Ada L.', cn: 'Ada Lovelace',
    };
    expect(userClaims(['email', 'phone', 'address', 'profile'], attributes, updatedAt)).toEqual({
      email: 'primary@example.com', email_verified: true, phone_number: '+1 555 0100', address: { formatted: '1 Main St\nSpringfield' }, name: 'Ada L.',
      updated_at: Math.floor(updatedAt / 1000),
    });
  });

  it('lists every claim it can release once', () => {
    expect(new Set(USERINFO_CLAIMS).size).toBe(USERINFO_CLAIMS.length);
    expect(USERINFO_CLAIMS).toEqual(expect.arrayContaining(['sub', 'email', 'email_verified', 'name', 'preferred_username', 'updated_at', 'phone_number', 'address']));
  });
});
