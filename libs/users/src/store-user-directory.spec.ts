import type { HttpConfig } from '@app/common';
import type { UserEntity, UserRepository } from '@app/store';
import type { SubjectIdentifier } from './subject-identifier';
import { EMAIL_ATTRIBUTES, PHONE_ATTRIBUTES, StoreUserDirectory } from './store-user-directory';

/** Records which lookup the resolver asked the store for; every lookup finds one user. */
class UsersDouble {
  calls: unknown[][] = [];
  user = { id: 'u-1' } as UserEntity;
  async firstByAttributes(names: string[], values: string[]) {
    this.calls.push(['attributes', names, values]);
    return { user: this.user, matches: 2 };
  }
  async findByAttribute(name: string, value: string, limit: number) {
    this.calls.push(['key', name, value, limit]);
    return [this.user];
  }
  async findById(id: string) {
    this.calls.push(['id', id]);
    return id === 'u-1' ? this.user : null;
  }
}

describe('StoreUserDirectory', () => {
  const config = { issuer: 'https://idp.example.com' } as HttpConfig;
  let users: UsersDouble;
  let directory: StoreUserDirectory;

  beforeEach(() => {
    users = new UsersDouble();
    directory = new StoreUserDirectory(config, users as unknown as UserRepository, { attributes: { 'https://example.okta.com': 'okta_id', 'https://tenant.auth0.com': 'auth0_sub' } });
  });

  it.each<[SubjectIdentifier, unknown[]]>([
    [{ kind: 'attribute', attribute: 'uid', value: 'breakfast' }, ['attributes', ['uid'], ['breakfast']]],
    [{ kind: 'email', email: 'Bob@Example.com' }, ['attributes', EMAIL_ATTRIBUTES, ['Bob@Example.com', 'bob@example.com']]],
    [{ kind: 'email', email: 'bob@example.com' }, ['attributes', EMAIL_ATTRIBUTES, ['bob@example.com']]],
    [{ kind: 'phone_number', phone_number: '+1206' }, ['attributes', PHONE_ATTRIBUTES, ['+1206']]],
    [{ kind: 'opaque', id: 'u-1' }, ['id', 'u-1']],
    [{ kind: 'iss_sub', iss: 'https://idp.example.com', sub: 'u-1' }, ['id', 'u-1']],
    [{ kind: 'iss_sub', iss: 'https://idp.example.com/', sub: 'u-1' }, ['id', 'u-1']],
    [{ kind: 'iss_sub', iss: 'https://example.okta.com', sub: '00u1' }, ['attributes', ['okta_id'], ['00u1']]],
    [{ kind: 'iss_sub', iss: 'https://tenant.auth0.com/', sub: 'auth0|1' }, ['attributes', ['auth0_sub'], ['auth0|1']]],
    // An issuer the mapping leaves out: the attribute named by its URL, as before the mapping.
    [{ kind: 'iss_sub', iss: 'https://other.example', sub: 'x' }, ['attributes', ['https://other.example'], ['x']]],
    [{ kind: 'account', uri: 'acct:breakfast@IDP.example.com' }, ['attributes', ['uid'], ['breakfast']]],
    [{ kind: 'account', uri: 'acct:carol@example.org' }, ['attributes', EMAIL_ATTRIBUTES, ['carol@example.org']]],
  ])('resolves %j with one lookup', async (subject, call) => {
    const found = await directory.resolveSubject(subject);
    expect(users.calls).toEqual([call]);
    expect(found.user).toBe(users.user);
  });

  it('passes the match count on (Janssen affects the first of several)', async () => {
    expect(await directory.resolveSubject({ kind: 'attribute', attribute: 'mail', value: 'x' })).toEqual({ user: users.user, matches: 2 });
  });

  it('answers no match for an unknown or over-long subject id without a wider lookup', async () => {
    expect(await directory.resolveSubject({ kind: 'opaque', id: 'nobody' })).toEqual({ user: null, matches: 0 });
    expect(await directory.resolveSubject({ kind: 'opaque', id: 'x'.repeat(65) })).toEqual({ user: null, matches: 0 });
    expect(users.calls).toEqual([['id', 'nobody']]);
  });

  it('finds users by key with one attribute lookup, passing the limit on', async () => {
    expect(await directory.findByKey('uid', 'breakfast', 100)).toEqual([users.user]);
    expect(users.calls).toEqual([['key', 'uid', 'breakfast', 100]]);
  });

  it('decodes an acct: URI and compares its host without case', async () => {
    await directory.resolveSubject({ kind: 'account', uri: 'acct:br%65akfast@idp.EXAMPLE.com' });
    expect(users.calls).toEqual([['attributes', ['uid'], ['breakfast']]]);
  });
});
