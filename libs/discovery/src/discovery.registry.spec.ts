import { HttpConfig } from '@app/common';
import { DiscoveryRegistry, mergeMetadata } from './discovery.registry';

describe('DiscoveryRegistry', () => {
  const registry = () => new DiscoveryRegistry({ issuer: 'https://idp.example.com' } as HttpConfig);

  it('starts with the base document built from the issuer, naming no endpoint of a module that did not register', async () => {
    const doc = await registry().document();
    expect(doc.issuer).toBe('https://idp.example.com');
    expect(doc.subject_types_supported).toEqual(['public']);
    expect(doc).not.toHaveProperty('token_endpoint');
    expect(doc).not.toHaveProperty('jwks_uri');
  });

  it('merges the host\'s static entries after the base, before any module\'s', async () => {
    const r = new DiscoveryRegistry({ issuer: 'https://idp.example.com' } as HttpConfig, { op_policy_uri: 'https://idp.example.com/policy', scopes_supported: ['host_scope'] });
    r.register(() => ({ op_policy_uri: 'https://idp.example.com/module-policy' }));
    const doc = await r.document();
    expect(doc.op_policy_uri).toBe('https://idp.example.com/module-policy');
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'host_scope']));
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
    r.register(() => ({ grant_types_supported: ['client_credentials', 'refresh_token'] }));
    const remove = r.register(() => ({ grant_types_supported: ['authorization_code', 'refresh_token'] }));
    expect((await r.document()).grant_types_supported).toEqual(['client_credentials', 'refresh_token', 'authorization_code']);
    remove();
    expect((await r.document()).grant_types_supported).toEqual(['client_credentials', 'refresh_token']);
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
