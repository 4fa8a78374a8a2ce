import type { ServerSecretRepository } from '@app/store';
import { SriCodec } from './sri-codec.service';

const codec = async (secret: string) => {
  const c = new SriCodec({ key: async () => Buffer.from(secret, 'base64url') } as unknown as ServerSecretRepository);
  await c.load();
  return c;
};

describe('SriCodec', () => {
  it('seals a URL-safe 22-character SRI that opens to the user\'s tag and the session\'s start', async () => {
    const c = await codec('a'.repeat(43));
    const sri = c.seal('user-1', 1_764_000_000_123);
    expect(sri).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(c.open(sri)).toEqual({ tag: c.tagOf('user-1'), createdAt: 1_764_000_000_123 });
  });

  it('gives unrelated strings for two sessions of one user started in the same millisecond', async () => {
    const c = await codec('a'.repeat(43));
    const sris = new Set(Array.from({ length: 1000 }, () => c.seal('user-1', 1_764_000_000_000)));
    expect(sris.size).toBe(1000);
    // No shared prefix or suffix gives the user away.
    const [x, y] = [...sris];
    expect(x.slice(0, 4)).not.toBe(y.slice(0, 4));
    expect(x.slice(-4)).not.toBe(y.slice(-4));
  });

  it('opens nothing of another key\'s SRIs, nor of SRIs that are not sealed', async () => {
    const mine = await codec('a'.repeat(43));
    const theirs = await codec('b'.repeat(43));
    expect(mine.open(theirs.seal('user-1', 1))?.tag).not.toBe(mine.tagOf('user-1'));
    expect(mine.open('qzTEiEroxdzAufjYKQawm72lcBE..4RbA')).toBeUndefined();
    expect(mine.open('x'.repeat(32))).toBeUndefined();
    expect(mine.tagOf('user-1')).not.toBe(mine.tagOf('user-2'));
  });
});
