import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, StoreConfig } from '@app/common';

const SEALED_PREFIX = 'sealed:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64_KEY = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** A key-encryption key and its id (a hash of it, which names it in what it sealed without giving it away). */
export interface KeyEncryptionKey {
  id: string;
  key: Buffer;
}

/** Thrown when the store holds keys that the configured key-encryption keys cannot open, or may not hold plain ones. */
export class KeyEncryptionError extends Error {}

/** Whether a stored value is sealed (else it is the plain text, as stored before a key-encryption key was set). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

/** Keys in base64 (standard or URL-safe), 32 bytes each, separated by new lines, spaces or commas; `source` names them in errors. */
export function parseKeyEncryptionKeys(text: string, source: string): KeyEncryptionKey[] {
  const words = text.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) throw new KeyEncryptionError(`${source} holds no key-encryption key`);
  return words.map((word, i) => {
    const key = BASE64_KEY.test(word) ? Buffer.from(word, 'base64') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) throw new KeyEncryptionError(`${source}: key ${i + 1} is not ${KEY_BYTES} bytes in base64 (make one with: openssl rand -base64 32)`);
    return { id: createHash('sha256').update('key-encryption-key-id:').update(key).digest().subarray(0, 6).toString('base64url'), key };
  });
}

/**
 * `plain` sealed with AES-256-GCM under `kek`: `sealed:<kek id>:<base64url of IV, ciphertext, tag>`.
 * The associated data binds the kek id and `context` (the row it belongs to), so a sealed value
 * copied into another row does not open there.
 */
export function sealWith(kek: KeyEncryptionKey, plain: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv);
  cipher.setAAD(Buffer.from(`${kek.id}:${context}`));
  const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_PREFIX}${kek.id}:${body.toString('base64url')}`;
}

/** The plain text of a value sealWith made; throws KeyEncryptionError when none of `keks` opens it. */
export function openWith(keks: KeyEncryptionKey[], stored: string, context: string): string {
  const [id, body] = stored.slice(SEALED_PREFIX.length).split(':');
  const kek = keks.find((k) => k.id === id);
  if (!kek) throw new KeyEncryptionError(`${context} is sealed under key-encryption key ${id}, which the configured ones (${keks.map((k) => k.id).join(', ')}) do not include: is KEY_ENCRYPTION_KEY_FILE (or KEY_ENCRYPTION_KEY) the one this store was sealed with?`);
  const raw = Buffer.from(body ?? '', 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${kek.id}:${context}`));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyEncryptionError(`${context} does not open with key-encryption key ${id}: the stored value was altered or belongs to another row`);
  }
}

/**
 * Seals the private keys and secrets the store holds (signing keys, the keys that seal SRIs and
 * reference tokens) under a key-encryption key kept outside the store, so that a copy of the
 * database or of a backup signs nothing. The first configured key seals; every one opens, so a
 * new key can be put first while values sealed under the old one are still read (and sealed
 * again by their repository). Without a key, values stay in plain text where that is allowed
 * (ALLOW_PLAINTEXT_KEYS, by default anywhere but NODE_ENV=production) and are refused otherwise.
 */
@Injectable()
export class KeySealer {
  private readonly logger = new Logger('KeyEncryption');
  private keks?: KeyEncryptionKey[];
  private warned = false;

  constructor(@InjectConfig('store') private readonly store: StoreConfig) {}

  /** The stored form of `plain`, the value of the row `context` names. */
  seal(plain: string, context: string): string {
    const keks = this.keys();
    if (keks.length === 0) {
      this.allowPlainText();
      return plain;
    }
    return sealWith(keks[0], plain, context);
  }

  /** The plain text of a stored value, sealed or (stored before a key-encryption key was set) plain. */
  open(stored: string, context: string): string {
    const keks = this.keys();
    if (!isSealed(stored)) {
      if (keks.length === 0) this.allowPlainText();
      return stored;
    }
    if (keks.length === 0) throw new KeyEncryptionError(`${context} is sealed, but no key-encryption key is configured: set KEY_ENCRYPTION_KEY_FILE (or KEY_ENCRYPTION_KEY) to the one it was sealed with`);
    return openWith(keks, stored, context);
  }

  /** Whether a stored value should be written again: in plain text, or sealed under another key than the first, while a key is configured. */
  needsResealing(stored: string): boolean {
    const keks = this.keys();
    return keks.length > 0 && (!isSealed(stored) || !stored.startsWith(`${SEALED_PREFIX}${keks[0].id}:`));
  }

  /** The configured key-encryption keys, read once (a bad file or value fails the first use, at start). */
  private keys(): KeyEncryptionKey[] {
    if (this.keks) return this.keks;
    const { keyEncryptionKeyFile: file, keyEncryptionKey: inline } = this.store;
    if (file && inline) throw new KeyEncryptionError('Give KEY_ENCRYPTION_KEY_FILE or KEY_ENCRYPTION_KEY, not both');
    let text: string | undefined = inline;
    if (file) {
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new KeyEncryptionError(`KEY_ENCRYPTION_KEY_FILE ${file} cannot be read: ${(err as Error).message}`);
      }
    }
    this.keks = text === undefined ? [] : parseKeyEncryptionKeys(text, file ? `KEY_ENCRYPTION_KEY_FILE ${file}` : 'KEY_ENCRYPTION_KEY');
    return this.keks;
  }

  private allowPlainText(): void {
    if (!this.store.allowPlaintextKeys) {
      throw new KeyEncryptionError(
        'Refusing to keep private keys in the store in plain text: set KEY_ENCRYPTION_KEY_FILE (or KEY_ENCRYPTION_KEY) to a key-encryption key '
        + '(openssl rand -base64 32; docs/operations.md#key-encryption), or ALLOW_PLAINTEXT_KEYS=true to accept plain text',
      );
    }
    if (this.warned) return;
    this.warned = true;
    this.logger.warn('The store keeps private keys in plain text: whoever reads it can sign tokens. Set KEY_ENCRYPTION_KEY_FILE (docs/operations.md#key-encryption).');
  }
}
