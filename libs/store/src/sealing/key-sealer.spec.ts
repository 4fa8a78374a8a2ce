import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreConfig } from '@app/common';
import { isSealed, KeyEncryptionError, KeySealer, parseKeyEncryptionKeys } from './key-sealer';

const kek = () => randomBytes(32).toString('base64');
const sealer = (store: Partial<StoreConfig>) => new KeySealer({ databaseUrl: 'sqlite::memory:', allowPlaintextKeys: true, ...store });

describe('KeySealer', () => {
  const first = kek();
  const second = kek();

  it('seals under the key-encryption key, so the stored value holds nothing of the plain text, and opens it again', () => {
    const s = sealer({ keyEncryptionKey: first });
    const stored = s.seal('{"kty":"EC","d":"secret-part"}', 'signing_key k1');
    expect(isSealed(stored)).toBe(true);
    expect(stored).not.toContain('secret-part');
    expect(stored).toMatch(/^sealed:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]+$/);
    expect(s.open(stored, 'signing_key k1')).toBe('{"kty":"EC","d":"secret-part"}');
    // Each seal draws a new IV.
    expect(s.seal('same', 'c')).not.toBe(s.seal('same', 'c'));
  });

  it('refuses a value copied into another row, or altered', () => {
    const s = sealer({ keyEncryptionKey: first });
    const stored = s.seal('plain', 'server_secret a');
    expect(() => s.open(stored, 'server_secret b')).toThrow(/does not open .* altered or belongs to another row/);
    const altered = stored.slice(0, -2) + (stored.endsWith('A') ? 'BB' : 'AA');
    expect(() => s.open(altered, 'server_secret a')).toThrow(KeyEncryptionError);
  });

  it('names the key a value was sealed under when the configured one is another, and never shows a key', () => {
    const stored = sealer({ keyEncryptionKey: first }).seal('plain', 'signing_key k1');
    const wrong = () => sealer({ keyEncryptionKey: second }).open(stored, 'signing_key k1');
    expect(wrong).toThrow(/signing_key k1 is sealed under key-encryption key [A-Za-z0-9_-]{8}, which the configured ones .* do not include/);
    try { wrong(); } catch (err) { expect((err as Error).message).not.toContain(first); }
    expect(() => sealer({}).open(stored, 'signing_key k1')).toThrow(/is sealed, but no key-encryption key is configured/);
  });

  it('opens with any configured key, seals with the first, and asks for values under another key (or plain) to be sealed again', () => {
    const old = sealer({ keyEncryptionKey: first }).seal('plain', 'c');
    const rotated = sealer({ keyEncryptionKey: `${second},${first}` });
    expect(rotated.open(old, 'c')).toBe('plain');
    expect(rotated.needsResealing(old)).toBe(true);
    expect(rotated.needsResealing('legacy-plain-value')).toBe(true);
    const resealed = rotated.seal('plain', 'c');
    expect(rotated.needsResealing(resealed)).toBe(false);
    expect(() => sealer({ keyEncryptionKey: first }).open(resealed, 'c')).toThrow(KeyEncryptionError);
    expect(sealer({}).needsResealing('legacy-plain-value')).toBe(false);
  });

  it('reads the keys from KEY_ENCRYPTION_KEY_FILE, one a line, and refuses both ways at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kek-'));
    try {
      const file = join(dir, 'kek');
      writeFileSync(file, `${second}\n${first}\n`, { mode: 0o600 });
      const stored = sealer({ keyEncryptionKey: first }).seal('plain', 'c');
      expect(sealer({ keyEncryptionKeyFile: file }).open(stored, 'c')).toBe('plain');
      expect(() => sealer({ keyEncryptionKeyFile: file, keyEncryptionKey: first }).seal('x', 'c')).toThrow(/not both/);
      expect(() => sealer({ keyEncryptionKeyFile: join(dir, 'missing') }).seal('x', 'c')).toThrow(/KEY_ENCRYPTION_KEY_FILE .*missing cannot be read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses keys that are not 32 bytes of base64', () => {
    expect(() => parseKeyEncryptionKeys(randomBytes(16).toString('base64'), 'KEY_ENCRYPTION_KEY')).toThrow(/KEY_ENCRYPTION_KEY: key 1 is not 32 bytes/);
    expect(() => parseKeyEncryptionKeys(`${first}\nnot*base64`, 'the file')).toThrow(/the file: key 2 is not 32 bytes/);
    expect(() => parseKeyEncryptionKeys('\n', 'the file')).toThrow(/holds no key-encryption key/);
    // URL-safe base64 names the same key as the standard alphabet.
    const raw = randomBytes(32);
    expect(parseKeyEncryptionKeys(raw.toString('base64url'), 'x')[0]).toEqual(parseKeyEncryptionKeys(raw.toString('base64'), 'x')[0]);
  });

  it('without a key-encryption key: plain text where allowed, a refusal naming the remedy where not (production)', () => {
    expect(sealer({}).seal('plain', 'c')).toBe('plain');
    expect(sealer({}).open('plain', 'c')).toBe('plain');
    const production = sealer({ allowPlaintextKeys: false });
    expect(() => production.seal('plain', 'c')).toThrow(/Refusing to keep private keys in the store in plain text: set KEY_ENCRYPTION_KEY_FILE .* or ALLOW_PLAINTEXT_KEYS=true/);
    expect(() => production.open('plain', 'c')).toThrow(/Refusing to keep private keys/);
    expect(sealer({ allowPlaintextKeys: false, keyEncryptionKey: first }).open('plain', 'c')).toBe('plain');
  });
});
