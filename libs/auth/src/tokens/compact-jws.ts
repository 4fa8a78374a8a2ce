import { constants, createPrivateKey, KeyObject, sign as signBytes, SignKeyObjectInput } from 'node:crypto';
import type { JWK } from 'jose';

/** How node:crypto signs for each JWS algorithm this fast path knows (RFC 7518 §3). */
const ALGORITHMS: Record<string, { digest: string | null; options: Partial<SignKeyObjectInput> }> = {
  ES256: { digest: 'sha256', options: { dsaEncoding: 'ieee-p1363' } },
  ES384: { digest: 'sha384', options: { dsaEncoding: 'ieee-p1363' } },
  ES512: { digest: 'sha512', options: { dsaEncoding: 'ieee-p1363' } },
  RS256: { digest: 'sha256', options: {} },
  RS384: { digest: 'sha384', options: {} },
  RS512: { digest: 'sha512', options: {} },
  PS256: { digest: 'sha256', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  PS384: { digest: 'sha384', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 } },
  PS512: { digest: 'sha512', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 } },
  EdDSA: { digest: null, options: {} },
  Ed25519: { digest: null, options: {} },
};

export type CompactSigner = (header: Record<string, unknown>, claims: Record<string, unknown>) => string;

/**
 * A synchronous JWS compact serializer (RFC 7515 §7.1) over node:crypto, for the algorithms
 * above; undefined for any other (the caller then signs with jose). Why not jose here: jose 6
 * signs through WebCrypto, whose per-call cost (WebIDL conversions, a thread-pool job and its
 * promise) was about a fifth of a client_credentials issuance. Verification stays with jose.
 */
export function compactSigner(privateJwk: JWK, alg: string): CompactSigner | undefined {
  const algorithm = ALGORITHMS[alg];
  if (!algorithm) return undefined;
  const key: KeyObject = createPrivateKey({ key: privateJwk as unknown as Record<string, unknown> & { kty: string }, format: 'jwk' });
  const input: SignKeyObjectInput = { key, ...algorithm.options };
  return (header, claims) => {
    const signingInput = `${encode(header)}.${encode(claims)}`;
    const signature = signBytes(algorithm.digest, Buffer.from(signingInput), input);
    return `${signingInput}.${signature.toString('base64url')}`;
  };
}

const encode = (value: Record<string, unknown>): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Three parts, two dots (RFC 7515 §7.1): a shape check before any decoding, without splitting a token of hundreds of characters. */
export function isCompactJws(token: string): boolean {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  return second >= 0 && token.indexOf('.', second + 1) < 0;
}
