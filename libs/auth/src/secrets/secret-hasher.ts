import { createHash, randomBytes, scrypt as scryptCb, ScryptOptions } from 'node:crypto';
import { constantTimeEqual, hashingConfig } from '@app/common';
import { DEFAULT_MAX_WAIT_MS, HashAdmission } from './hash-admission';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

// OWASP's scrypt floor (N=2^17, r=8, p=1); maxmem must allow 128*N*r bytes.
const PARAMS = { N: 1 << 17, r: 8, p: 1 };
const KEYLEN = 32;

/**
 * Every scrypt run of the process waits its turn here: libuv's thread pool is one per process,
 * and so is this gate. AuthModule sizes it from HASH_CONCURRENCY and HASH_QUEUE; until then
 * (the CLI, a test's fixtures) it has the same defaults.
 */
export const hashAdmission = new HashAdmission({ ...hashingConfig(undefined, undefined, process.env.UV_THREADPOOL_SIZE), maxWaitMs: DEFAULT_MAX_WAIT_MS });

export interface HashOptions {
  /** Aborts when the caller has gone: a hash still waiting for its turn is dropped (503). */
  signal?: AbortSignal;
  /** Goes ahead of the others waiting (client secrets, which callers of the hot paths and of global revocation present). */
  urgent?: boolean;
}

/**
 * A password or a chosen secret: `scrypt$N$r$p$salt$hash`, base64url fields, self-describing so
 * parameters can rise later. Rejects with 503 (ApiError) when the hashing queue is full.
 */
export async function hashSecret(secret: string, options: HashOptions = {}): Promise<string> {
  const salt = randomBytes(16);
  const key = await hashAdmission.run(() => scrypt(secret, salt, KEYLEN, { ...PARAMS, maxmem: 256 * PARAMS.N * PARAMS.r }), options.signal);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * A client secret: the fast format when it looks generated (looksGenerated), else scrypt. Never
 * for user passwords, which stay on scrypt whatever they look like.
 */
export function hashClientSecret(secret: string, options: HashOptions = {}): Promise<string> {
  return looksGenerated(secret) ? Promise.resolve(fastHash(secret)) : hashSecret(secret, options);
}

/**
 * Constant-time check of a presented secret against a stored hash of either format; false for
 * any malformed hash. A scrypt check waits its turn (hashAdmission) and rejects with 503 when
 * refused; a fast one takes microseconds on the event loop.
 */
export async function verifySecret(secret: string, stored: string | null | undefined, options: HashOptions = {}): Promise<boolean> {
  if (!stored) return false;
  if (stored.startsWith(FAST_PREFIX)) return constantTimeEqual(fastHash(secret), stored);
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20) return false;
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  const actual = await hashAdmission.run(() => scrypt(secret, salt, expected.length, { N, r, p, maxmem: 256 * N * r }), options.signal, options.urgent);
  return constantTimeEqual(actual, expected);
}

/** Whether `stored` is in the fast format (only ever a secret that looks generated). */
export function isFastHash(stored: string): boolean {
  return stored.startsWith(FAST_PREFIX);
}

/** A scrypt hash of a client secret that looks generated: its next successful check stores the fast format instead. */
export function needsFastHash(secret: string, stored: string): boolean {
  return !isFastHash(stored) && looksGenerated(secret);
}

/** A random secret for generated credentials (256 bits, base64url), always one that looksGenerated. */
export function generateSecret(): string {
  for (;;) {
    const secret = randomBytes(32).toString('base64url');
    // About one draw in 1,700 has no digit; drawing again costs nothing measurable in entropy.
    if (looksGenerated(secret)) return secret;
  }
}

/**
 * `sha256$<base64url digest>`: client secrets drawn at random, of 256 bits. Stretching (scrypt)
 * only slows a search of a space small enough to search, and 2^256 is not; no key either, since
 * a key only helps a secret an attacker could guess, and would be one more thing to keep, rotate
 * and lose (every secret with it). What it saves: the 128 MiB and the thread scrypt holds for
 * 0.3–1 s at every check not answered from the verified-secret cache.
 */
const FAST_PREFIX = 'sha256$';

function fastHash(secret: string): string {
  return `${FAST_PREFIX}${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Whether a client secret looks drawn at random rather than chosen: at least 43 characters (256
 * bits in base64url), base64url only, with upper and lower case letters and digits, and at least
 * 20 distinct characters. generateSecret's output always passes (43 random base64url characters
 * hold some 31 distinct ones); a memorable phrase does not, and a secret with any other character
 * (`.`, `~`, `!`, a space) never does, which is how to keep a chosen long secret on scrypt.
 */
export function looksGenerated(secret: string): boolean {
  return secret.length >= 43 && secret.length <= 1024 && BASE64URL.test(secret)
    && /[A-Z]/.test(secret) && /[a-z]/.test(secret) && /[0-9]/.test(secret) && new Set(secret).size >= 20;
}
