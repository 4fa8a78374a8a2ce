import { issSubConfig } from './iss-sub-config';

describe('issSubConfig', () => {
  it('maps each issuer, trailing slashes left out, to its attribute; none by default', () => {
    expect(issSubConfig({}).attributes).toEqual({});
    expect(issSubConfig({ ISS_SUB_ATTRIBUTES: 'https://example.okta.com=okta_id, https://tenant.auth0.com/=auth0_sub' }).attributes)
      .toEqual({ 'https://example.okta.com': 'okta_id', 'https://tenant.auth0.com': 'auth0_sub' });
  });

  it.each([
    ['a pair without an attribute', 'https://example.okta.com'],
    ['an issuer that is not a URL', 'okta=okta_id'],
    ['an attribute name the store refuses', 'https://example.okta.com=okta id'],
    ['an issuer twice', 'https://a.example=x,https://a.example/=y'],
  ])('refuses %s, naming the variable', (_name, value) => {
    expect(() => issSubConfig({ ISS_SUB_ATTRIBUTES: value })).toThrow(/ISS_SUB_ATTRIBUTES/);
  });
});
