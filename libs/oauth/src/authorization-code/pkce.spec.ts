import { pkceMatches, s256 } from './pkce';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of Appendix B', () => {
    expect(s256(VERIFIER)).toBe(CHALLENGE);
  });

  it('accepts the matching verifier only', () => {
    expect(pkceMatches(CHALLENGE, VERIFIER)).toBe(true);
    expect(pkceMatches(CHALLENGE, `${VERIFIER.slice(0, -1)}a`)).toBe(false);
    expect(pkceMatches(CHALLENGE, undefined)).toBe(false);
  });

  it('refuses a verifier outside 43-128 unreserved characters, even one that would hash right', () => {
    expect(pkceMatches(s256('short'), 'short')).toBe(false);
    expect(pkceMatches(s256(`${'a'.repeat(43)}+`), `${'a'.repeat(43)}+`)).toBe(false);
    expect(pkceMatches(s256('a'.repeat(128)), 'a'.repeat(128))).toBe(true);
    expect(pkceMatches(s256('a'.repeat(129)), 'a'.repeat(129))).toBe(false);
  });

  it('takes no verifier for a code issued without a challenge (RFC 9700 §2.1.1)', () => {
    expect(pkceMatches(undefined, undefined)).toBe(true);
    expect(pkceMatches(undefined, VERIFIER)).toBe(false);
  });
});
