import { AppConfig } from '@app/common';
import { DiscoveryRegistry, mergeMetadata } from './discovery.registry';

describe('DiscoveryRegistry', () => {
  const registry = () => new DiscoveryRegistry({ issuer: 'https://idp.example.com' } as AppConfig);

  it('starts with the base document built from the issuer', async () => {
    const doc = await registry().document();
    expect(doc.issuer).toBe('https://idp.example.com');
    expect(doc.token_endpoint).toBe('https://idp.example.com/token');
    expect(doc.jwks_uri).toBe('https://idp.example.com/jwks');
  });

  it('evaluates contributors on every call, so a flag change shows at once', async () => {
    const r = registry();
    let enabled = true;
    r.register(() => (enabled ? { global_token_revocation_endpoint: 'https://idp.example.com/gtr' } : {}));
    expect((await r.document()).global_token_revocation_endpoint).toBe('https://idp.example.com/gtr');
    enabled = false;
    expect(await r.document()).not.toHaveProperty('global_token_revocation_endpoint');
  });

  it('awaits async contributors and merges them in registration order', async () => {
    const r = registry();
    r.register(async () => ({ op_policy_uri: 'first' }));
    r.register(() => ({ op_policy_uri: 'second' }));
    expect((await r.document()).op_policy_uri).toBe('second');
  });

  it('unions arrays instead of replacing them, and forgets a removed contributor', async () => {
    const r = registry();
    const remove = r.register(() => ({ grant_types_supported: ['authorization_code', 'refresh_token'] }));
    expect((await r.document()).grant_types_supported).toEqual(['client_credentials', 'password', 'refresh_token', 'authorization_code']);
    remove();
    expect((await r.document()).grant_types_supported).toEqual(['client_credentials', 'password', 'refresh_token']);
  });

  it('propagates a failing contributor instead of serving a partial document', async () => {
    const r = registry();
    r.register(() => { throw new Error('store down'); });
    await expect(r.document()).rejects.toThrow('store down');
  });
});

describe('mergeMetadata', () => {
  it('skips undefined values and does not mutate the contributed arrays', () => {
    const base = ['a'];
    const merged = mergeMetadata(mergeMetadata({}, { list: base, keep: 1 }), { list: ['b'], keep: undefined });
    expect(merged).toEqual({ list: ['a', 'b'], keep: 1 });
    expect(base).toEqual(['a']);
  });
});
