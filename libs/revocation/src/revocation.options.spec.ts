import type { GlobalRevocationConfig } from '@app/common';
import { ALL_SUB_ID_FORMATS, normalizePrefix, revocationConfig } from './revocation.options';
import { SubIdPipe } from './subject/sub-id.pipe';

describe('RevocationModule options', () => {
  const root: GlobalRevocationConfig = { pathPrefix: '/jans-auth/restv1', unknownUserStatus: 204, assertionMaxLifetime: 300 };

  it('keeps the server configuration for every option left out', () => {
    expect(revocationConfig(root, {})).toEqual(root);
  });

  it('applies the options given, and only to the module\'s copy', () => {
    const c = revocationConfig(Object.freeze({ ...root }), { pathPrefix: '/api/', unknownUserStatus: 404, assertionMaxLifetime: 60 });
    expect(c).toEqual({ pathPrefix: '/api', unknownUserStatus: 404, assertionMaxLifetime: 60 });
  });

  it('normalizes the prefix and refuses what is not a path', () => {
    expect(normalizePrefix('/')).toBe('');
    expect(normalizePrefix('/a/b/')).toBe('/a/b');
    for (const bad of ['api', '/a b', '/a//b', '/../x?']) expect(() => normalizePrefix(bad)).toThrow(/pathPrefix/);
  });

  it('the sub_id pipe refuses formats the module does not accept, with 400 invalid_request', () => {
    const pipe = new SubIdPipe({ subIdFormats: new Set(['email', 'opaque']) });
    expect(pipe.transform({ sub_id: { format: 'email', email: 'a@example.com' } })).toEqual({ kind: 'email', email: 'a@example.com' });
    for (const body of [{ sub_id: { format: 'uid', id: 'x' } }, { sub_id: { format: 'phone_number', phone_number: '+1' } }]) {
      expect(() => pipe.transform(body)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_request' }));
    }
    const all = new SubIdPipe({ subIdFormats: new Set(ALL_SUB_ID_FORMATS) });
    expect(all.transform({ sub_id: { format: 'uid', id: 'x' } })).toEqual({ kind: 'attribute', attribute: 'uid', value: 'x' });
  });
});
