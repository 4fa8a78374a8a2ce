import type { TokenConfig } from '@app/common';
import type { SigningKeyRecord, SigningKeyRepository } from '@app/store';
import { SigningKeyRotation } from './signing-key-rotation.service';

/** The store's rows in memory, with the repository's rules: rotate retires the active keys of the new keys' algorithms. */
function memoryRepository() {
  let rows: SigningKeyRecord[] = [];
  const repo = {
    rows: () => rows,
    list: async () => [...rows].sort((a, b) => b.createdAt - a.createdAt),
    insertIfAbsent: async (k: SigningKeyRecord) => { if (!rows.some((r) => r.kid === k.kid)) rows.push(k); },
    rotate: async (fresh: SigningKeyRecord[], at: number) => {
      rows = rows.map((r) => (r.active && fresh.some((f) => f.alg === r.alg) ? { ...r, active: false, retiredAt: at } : r)).concat(fresh);
    },
    deleteRetiredBefore: async (cutoff: number) => {
      const before = rows.length;
      rows = rows.filter((r) => r.retiredAt === null || r.retiredAt >= cutoff);
      return before - rows.length;
    },
  };
  return repo;
}

describe('SigningKeyRotation', () => {
  const tokens = (over: Partial<TokenConfig> = {}): TokenConfig => ({
    accessTokenTtl: 600, refreshTokenTtl: 86400, idTokenTtl: 300, authorizationCodeTtl: 60, signingKeyReloadInterval: 30, ...over,
  });
  const T0 = 1_800_000_000_000;

  it('keeps a retired key for the longest lifetime of a token it signed (access, ID, logout) plus one reload interval', () => {
    const repo = memoryRepository() as unknown as SigningKeyRepository;
    expect(new SigningKeyRotation(tokens(), repo).retentionMs()).toBe((600 + 30) * 1000);
    expect(new SigningKeyRotation(tokens({ accessTokenTtl: 60, idTokenTtl: 3600 }), repo).retentionMs()).toBe((3600 + 30) * 1000);
    // Logout tokens live 120 s.
    expect(new SigningKeyRotation(tokens({ accessTokenTtl: 30, idTokenTtl: 30, signingKeyReloadInterval: 1 }), repo).retentionMs()).toBe(121_000);
  });

  it('creates an active ES256 and RS256 key, rotates them, publishes the old ones until their retention ends, then deletes them', async () => {
    const memory = memoryRepository();
    const rotation = new SigningKeyRotation(tokens(), memory as unknown as SigningKeyRepository);
    const first = await rotation.published(T0);
    expect(first.map((k) => [k.alg, k.active])).toEqual(expect.arrayContaining([['ES256', true], ['RS256', true]]));
    expect(await rotation.published(T0 + 1)).toHaveLength(2);

    const after = await rotation.rotate(T0 + 1000);
    expect(after.map((k) => [k.alg, k.state])).toEqual([['ES256', 'active'], ['RS256', 'active'], ['ES256', 'retired'], ['RS256', 'retired']]);
    expect(after[2].publishedUntil).toBe(T0 + 1000 + 630_000);

    const retention = rotation.retentionMs();
    expect((await rotation.published(T0 + 1000 + retention)).map((k) => k.kid).sort()).toEqual(after.map((k) => k.kid).sort());
    expect(memory.rows()).toHaveLength(4);
    expect((await rotation.published(T0 + 1000 + retention + 1)).map((k) => k.kid).sort()).toEqual(after.slice(0, 2).map((k) => k.kid).sort());
    expect(memory.rows().map((r) => r.kid).sort()).toEqual(after.slice(0, 2).map((k) => k.kid).sort());
  });

  it('refuses to rotate keys that come from SIGNING_KEY_FILE', async () => {
    const rotation = new SigningKeyRotation(tokens({ signingKeyFile: '/etc/keys.json' }), memoryRepository() as unknown as SigningKeyRepository);
    await expect(rotation.rotate()).rejects.toMatchObject({ status: 409, description: expect.stringMatching(/SIGNING_KEY_FILE/) });
  });
});
