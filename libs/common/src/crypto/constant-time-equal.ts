import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether two secrets, hashes or header values are equal, in time that depends on their lengths
 * only, never on where they first differ. Both sides are digested first, so values of unequal
 * length compare without an early exit and without revealing the expected length.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function digest(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}
