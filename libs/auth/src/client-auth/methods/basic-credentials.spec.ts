import { formUrlDecode, parseBasicCredentials } from './basic-credentials';

const basic = (pair: string) => `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;

describe('parseBasicCredentials (RFC 7617)', () => {
  it('splits at the first colon: a password may hold colons, a user-id none', () => {
    expect(parseBasicCredentials(basic('rs:abc:def'))).toEqual({ id: 'rs', secret: 'abc:def' });
    expect(parseBasicCredentials(basic('rs::'))).toEqual({ id: 'rs', secret: ':' });
  });

  it('reads UTF-8, the scheme in any case, and base64 without padding or with base64url characters', () => {
    expect(parseBasicCredentials(basic('clïent:sécret ✓'))).toEqual({ id: 'clïent', secret: 'sécret ✓' });
    expect(parseBasicCredentials(`bAsIc  ${Buffer.from('a:b').toString('base64')} `)).toEqual({ id: 'a', secret: 'b' });
    expect(parseBasicCredentials(`Basic ${Buffer.from('a:b?>').toString('base64').replace(/=+$/, '')}`)).toEqual({ id: 'a', secret: 'b?>' });
    expect(parseBasicCredentials(`Basic ${Buffer.from('a:b?>').toString('base64url')}`)).toEqual({ id: 'a', secret: 'b?>' });
  });

  it('keeps an empty id or password for the caller to refuse, and says when there is no colon', () => {
    expect(parseBasicCredentials(basic(':secret'))).toEqual({ id: '', secret: 'secret' });
    expect(parseBasicCredentials(basic('id:'))).toEqual({ id: 'id', secret: '' });
    expect(parseBasicCredentials(basic('no-colon'))).toBeUndefined();
    expect(parseBasicCredentials('Basic Og==')).toEqual({ id: '', secret: '' });
  });

  it('calls anything but one Basic token68 malformed', () => {
    for (const header of [undefined, '', 'Basic', 'Basic ', 'Bearer abc', 'Basic a b', 'Basic ***', 'Basic YTpi,YTpi', 'Basicabc']) {
      expect(parseBasicCredentials(header)).toBe('malformed');
    }
  });

  it('form-urldecodes what it split (RFC 6749 appendix B): %3A is a colon, + a space; a bad escape throws', () => {
    expect(formUrlDecode('p%40ss%3Aw%25rd+1')).toBe('p@ss:w%rd 1');
    expect(formUrlDecode('plain:colon')).toBe('plain:colon');
    expect(() => formUrlDecode('%zz')).toThrow(URIError);
  });
});
