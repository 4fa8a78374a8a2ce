import { isAccessTokenShaped, REFERENCE_TOKEN_PREFIX } from './reference-token-codec.service';

describe('isAccessTokenShaped', () => {
  it('takes a compact JWS (exactly two dots) or a reference token', () => {
    expect(isAccessTokenShaped('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true);
    expect(isAccessTokenShaped('..')).toBe(true);
    expect(isAccessTokenShaped(`${REFERENCE_TOKEN_PREFIX}AAAA`)).toBe(true);
  });

  it('leaves anything else to the refresh-token lookup', () => {
    for (const token of ['', 'opaque-refresh-token', 'a.b', 'a.b.c.d', '.', 'a..b..c']) expect(isAccessTokenShaped(token)).toBe(false);
  });
});
