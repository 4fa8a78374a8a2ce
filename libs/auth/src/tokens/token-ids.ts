import { createHash, randomBytes, randomFillSync } from 'node:crypto';

/**
 * A token id that carries its issue time in milliseconds (first 6 bytes), so a revocation
 * watermark can be compared at millisecond precision even though JWT `iat` is in seconds.
 */
export function newTokenId(now = Date.now()): string {
  const buf = Buffer.allocUnsafe(18);
  buf.writeUIntBE(now, 0, 6);
  poolRandom(12).copy(buf, 6);
  return buf.toString('base64url');
}

// Random bytes drawn from the CSPRNG a pool at a time, as crypto.randomUUID does: one
// randomFillSync per token was a measurable share of a client_credentials issuance.
const POOL = Buffer.allocUnsafe(4096);
let poolOffset = POOL.length;

/** `n` bytes from the CSPRNG, a view into the pool: copy them at once. */
export function poolRandom(n: number): Buffer {
  if (poolOffset + n > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const bytes = POOL.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return bytes;
}

/** The issue time encoded in a token id from newTokenId, or undefined for any other string. */
export function issuedAtOfTokenId(id: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{24}$/.test(id)) return undefined;
  return Buffer.from(id, 'base64url').readUIntBE(0, 6);
}

/** Opaque high-entropy token (refresh tokens, codes, session ids). */
export function newOpaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** What the store keeps instead of an opaque token. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
