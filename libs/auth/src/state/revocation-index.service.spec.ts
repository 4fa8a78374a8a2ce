import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SriCodec } from '@app/sessions/core';
import { RevokedSriLifetime, ServerSecretRepository } from '@app/store';
import { newTokenId } from '../tokens/token-ids';
import { INDEX_STALE_MS, RevocationIndex } from './revocation-index.service';

const MIN = 60_000;

async function newIndex(): Promise<{ index: RevocationIndex; sris: SriCodec }> {
  const sris = new SriCodec({ key: async () => randomBytes(32) } as unknown as ServerSecretRepository);
  await sris.load();
  const index = new RevocationIndex({ accessTokenTtl: 300, idTokenTtl: 300 }, new RevokedSriLifetime({ lifetime: 490 }), sris);
  return { index, sris };
}

describe('RevocationIndex', () => {
  const now = 1_750_000_000_000;

  it('is fresh only once loaded and while the feed was read to its end within INDEX_STALE_MS', async () => {
    const { index } = await newIndex();
    index.markCaughtUp(now);
    expect(index.isFresh(now)).toBe(false);
    index.markLoaded();
    expect(index.isFresh(now)).toBe(true);
    expect(index.isFresh(now + INDEX_STALE_MS - 1)).toBe(true);
    expect(index.isFresh(now + INDEX_STALE_MS)).toBe(false);
    index.markCaughtUp(now + INDEX_STALE_MS);
    expect(index.isFresh(now + INDEX_STALE_MS)).toBe(true);
    // An unreadable feed makes it stale at once, not INDEX_STALE_MS later.
    index.markUnreadable();
    expect(index.isFresh(now + INDEX_STALE_MS)).toBe(false);
  });

  it('applies the feed\'s changes to its maps', async () => {
    const { index } = await newIndex();
    index.apply({ kind: 'sri_listed', sri: 'abc', expiresAt: now + MIN });
    expect(index.isSriListed('abc', now)).toBe(true);
    expect(index.isSriListed('abc', now + MIN)).toBe(false);
    expect(index.listedCount()).toBe(1);
    index.apply({ kind: 'sri_unlisted', sri: 'abc' });
    expect(index.isSriListed('abc', now)).toBe(false);

    index.apply({ kind: 'watermark_raised', userId: 'joe', validAfter: now });
    index.apply({ kind: 'watermark_raised', userId: 'joe', validAfter: now - 5 });
    expect(index.watermarkOf('joe')).toBe(now);
    expect(index.watermarkOf('ann')).toBe(0);

    index.apply({ kind: 'session_ended', sessionId: 's1', reason: 'logout', sri: 'sri-s1', endedAt: now });
    expect(index.sessionEndReason('s1')).toBe('logout');
    expect(index.sessionEndReason('s2')).toBeUndefined();

    index.apply({ kind: 'token_revoked', tokenId: 't1', expiresAt: now + MIN });
    expect(index.isTokenRevoked('t1')).toBe(true);
    expect(index.isTokenRevoked('t2')).toBe(false);

    index.apply({ kind: 'client_changed', clientId: 'c1' });
    expect(index.sizes()).toEqual({ listedSris: 0, watermarks: 1, endedSessions: 1, revokedTokens: 1 });
  });

  it('answers for the sealed SRIs of a global revocation\'s sessions until the worker has listed them', async () => {
    const { index, sris } = await newIndex();
    const before = sris.seal('joe', now - 1000);
    const after = sris.seal('joe', now + 1000);
    const other = sris.seal('ann', now - 1000);
    index.apply({ kind: 'watermark_raised', userId: 'joe', validAfter: now });
    expect(index.isSriListed(before, now)).toBe(true);
    expect(index.isSriListed(after, now)).toBe(false);
    expect(index.isSriListed(other, now)).toBe(false);
    // Only for as long as an SRI listed at the watermark would be.
    expect(index.isSriListed(before, now + 490 * MIN)).toBe(false);
    // The worker listed them (sri_listed), then said so: the tag no longer answers.
    index.apply({ kind: 'sessions_marked', userId: 'joe', validAfter: now });
    expect(index.isSriListed(before, now)).toBe(false);
  });

  it('a worker pass for an older watermark leaves a newer one pending', async () => {
    const { index, sris } = await newIndex();
    const sri = sris.seal('joe', now - 1000);
    index.apply({ kind: 'watermark_raised', userId: 'joe', validAfter: now });
    index.apply({ kind: 'sessions_marked', userId: 'joe', validAfter: now - 2000 });
    expect(index.isSriListed(sri, now)).toBe(true);
  });

  it('answers an ended session\'s SRI as revoked for the list\'s lifetime, whether or not it is (still) listed', async () => {
    const { index } = await newIndex();
    index.apply({ kind: 'sri_listed', sri: 'purged', expiresAt: now + 490 * MIN });
    index.apply({ kind: 'session_ended', sessionId: 's1', reason: 'session_revocation_api', sri: 'purged', endedAt: now });
    index.apply({ kind: 'sri_unlisted', sri: 'purged' });
    index.apply({ kind: 'session_ended', sessionId: 's2', reason: 'end_session', sri: 'logged-out', endedAt: now });
    index.apply({ kind: 'sri_listed', sri: 'junk', expiresAt: now + 490 * MIN });
    index.apply({ kind: 'sri_unlisted', sri: 'junk' });
    expect(index.isSriListed('purged', now)).toBe(false);
    expect(['purged', 'logged-out', 'junk'].map((sri) => index.isSriRevoked(sri, now + 1))).toEqual([true, true, false]);
    expect(index.isSriRevoked('purged', now + 490 * MIN)).toBe(false);
    index.prune(now + 490 * MIN);
    expect(index.isSriRevoked('logged-out', now + 1)).toBe(false);
  });

  it('tells a session\'s start from its id, and nothing for an id that does not carry it', async () => {
    const { index } = await newIndex();
    expect(index.sessionStartOf(newTokenId(now))).toBe(now);
    expect(index.sessionStartOf('legacy-session')).toBeUndefined();
  });

  it('prunes what can no longer matter', async () => {
    const { index } = await newIndex();
    index.apply({ kind: 'sri_listed', sri: 'gone', expiresAt: now });
    index.apply({ kind: 'sri_listed', sri: 'kept', expiresAt: now + MIN });
    index.apply({ kind: 'token_revoked', tokenId: 'old', expiresAt: now });
    index.apply({ kind: 'watermark_raised', userId: 'old', validAfter: now - index.recentWindowMs() });
    index.apply({ kind: 'watermark_raised', userId: 'new', validAfter: now - 1 });
    index.prune(now);
    expect(index.sizes()).toEqual({ listedSris: 1, watermarks: 1, endedSessions: 0, revokedTokens: 0 });
    expect(index.isSriListed('kept', now)).toBe(true);
  });

  it('imports nothing from TypeORM (the feed reader in @app/store owns every read)', () => {
    const source = readFileSync(join(__dirname, 'revocation-index.service.ts'), 'utf8');
    expect(source).not.toMatch(/from '(typeorm|@nestjs\/typeorm)'/);
    expect(source).not.toMatch(/DataSource/);
  });
});
