import { createHash } from 'node:crypto';
import { constantTimeEqual } from '@app/common';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
export const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.2: BASE64URL(SHA256(verifier)), 43 characters. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * RFC 7636 §4.6: the verifier must hash to the challenge (compared in constant time). A code
 * issued without a challenge takes no verifier: one sent anyway is refused (RFC 9700 §2.1.1).
 */
export function pkceMatches(challenge: string | undefined, verifier: string | undefined): boolean {
  if (challenge === undefined) return verifier === undefined;
  if (verifier === undefined || !CODE_VERIFIER.test(verifier)) return false;
  return constantTimeEqual(s256(verifier), challenge);
}
