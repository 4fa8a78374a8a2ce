import { InsufficientScopeError, InvalidRequestError, InvalidTokenError, KeysUnavailableError, MissingTokenError, StatusUnavailableError, TokenRevokedError } from '../errors';
import { authenticate, bearerErrorAnswer, bearerTokenOf } from './bearer';

describe('bearerTokenOf (RFC 6750 §2.1)', () => {
  it('takes the b64token after "Bearer", in any case, with trailing padding', () => {
    expect(bearerTokenOf('Bearer abc.DEF-_~+/=')).toBe('abc.DEF-_~+/=');
    expect(bearerTokenOf('bearer  token==')).toBe('token==');
    expect(bearerTokenOf('BEARER x')).toBe('x');
  });

  it('treats no header, or another scheme, as no token at all', () => {
    for (const header of [undefined, '', 'Basic dXNlcjpwYXNz', 'Bearerx abc', 'DPoP abc']) expect(() => bearerTokenOf(header)).toThrow(MissingTokenError);
  });

  it('refuses a malformed Bearer header as invalid_request', () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a=b', 'Bearer "a"', ['Bearer a', 'Bearer b'], `Bearer ${'a'.repeat(17 * 1024)}`]) {
      expect(() => bearerTokenOf(header)).toThrow(InvalidRequestError);
    }
  });
});

describe('bearerErrorAnswer (RFC 6750 §3)', () => {
  it('challenges a request without a token with no error code', () => {
    expect(bearerErrorAnswer(new MissingTokenError(), 'orders')).toEqual({
      status: 401,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="orders"' },
      body: { error: 'missing_token', error_description: 'The request carries no bearer token.' },
    });
    expect(bearerErrorAnswer(new MissingTokenError()).headers['WWW-Authenticate']).toBe('Bearer');
  });

  it('answers 400 invalid_request, 401 invalid_token (revoked included) and 403 insufficient_scope with the scope needed', () => {
    expect(bearerErrorAnswer(new InvalidRequestError('Bad header.')).status).toBe(400);
    const revoked = bearerErrorAnswer(new TokenRevokedError(), 'orders');
    expect(revoked.status).toBe(401);
    expect(revoked.headers['WWW-Authenticate']).toBe('Bearer realm="orders", error="invalid_token", error_description="The access token has been revoked."');
    expect(revoked.body).toEqual({ error: 'invalid_token', error_description: 'The access token has been revoked.' });
    const scope = bearerErrorAnswer(new InsufficientScopeError(['orders:read', 'orders:write']));
    expect(scope.status).toBe(403);
    expect(scope.headers['WWW-Authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="The access token lacks a required scope (orders:read orders:write).", scope="orders:read orders:write"',
    );
  });

  it('keeps quotes, backslashes and control characters out of the quoted values', () => {
    const answer = bearerErrorAnswer(new InvalidTokenError('unexpected "iss" claim\\value\n'), 'a"b');
    expect(answer.headers['WWW-Authenticate']).toBe('Bearer realm="a b", error="invalid_token", error_description="unexpected  iss  claim value "');
  });

  it('answers an outage with 503 and no challenge, without its details', () => {
    const status = bearerErrorAnswer(new StatusUnavailableError('The status list https://idp.example/statuslists/1 cannot be refreshed (HTTP 500).'));
    expect(status).toEqual({
      status: 503,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      body: { error: 'temporarily_unavailable', error_description: "The access token's status cannot be checked at the moment." },
    });
    expect(bearerErrorAnswer(new KeysUnavailableError('x')).body.error_description).toContain('signing keys');
  });
});

describe('authenticate', () => {
  const verified = { payload: { sub: 'u' }, scopes: ['a', 'b'], token: 't' };
  const verifier = { verify: jest.fn(async () => verified) };

  it('verifies before checking scopes, so a bad token is a 401 whatever the scopes', async () => {
    await expect(authenticate(verifier, 'Bearer t', ['a'])).resolves.toBe(verified);
    await expect(authenticate(verifier, 'Bearer t', ['a', 'c'])).rejects.toBeInstanceOf(InsufficientScopeError);
    const refusing = { verify: jest.fn(async () => Promise.reject(new InvalidTokenError('no'))) };
    await expect(authenticate(refusing, 'Bearer t', ['c'])).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(authenticate(verifier, undefined)).rejects.toBeInstanceOf(MissingTokenError);
  });
});
