import { readFileSync, statSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, JWK } from 'jose';
import type { SigningAlg, SigningKeyRecord } from '@app/store';

/** The server holds an active key for each: ES256 (short, fast) and RS256 (what OpenID Connect and the Shared Signals profile ask for). */
export const SIGNING_ALGORITHMS: readonly SigningAlg[] = ['ES256', 'RS256'];

/** Access tokens: ES256, a third of RS256's size and cheaper to sign; resource servers read `alg` from the JWKS. */
export const ACCESS_TOKEN_SIGNING_ALG: SigningAlg = 'ES256';

/** ID tokens of a client that registers no `id_token_signed_response_alg` (OpenID Connect Core §3.1.3.7, Registration §2). */
export const DEFAULT_ID_TOKEN_SIGNING_ALG: SigningAlg = 'RS256';

/** CAEP events: the Shared Signals interoperability profile asks for RS256 with keys of 2048 bits or more. */
export const SECURITY_EVENT_SIGNING_ALG: SigningAlg = 'RS256';

/**
 * The order of the published keys, the same on every instance: active keys first, by algorithm
 * (ES256 first), newest first; the first active key of an algorithm signs.
 */
export function publicationOrder(a: KeyOrdering, b: KeyOrdering): number {
  const rank = (alg: string) => (SIGNING_ALGORITHMS as readonly string[]).indexOf(alg) >>> 0;
  return Number(b.active) - Number(a.active) || rank(a.alg) - rank(b.alg) || b.createdAt - a.createdAt || a.kid.localeCompare(b.kid);
}

type KeyOrdering = Pick<SigningKeyRecord, 'kid' | 'alg' | 'active' | 'createdAt'>;

/**
 * Modulus of the RSA keys the server generates: the least both profiles accept, as the large
 * identity providers use; keys are rotated, and a larger one (SIGNING_KEY_FILE) is accepted.
 */
export const RSA_MODULUS_BITS = 2048;

/** Smaller RSA keys are refused, from SIGNING_KEY_FILE too (RFC 7518 §3.3; the Shared Signals profile). */
export const MIN_RSA_MODULUS_BITS = 2048;

/** A new active key of `alg`, its kid the JWK thumbprint (RFC 7638). */
export async function generateSigningKey(alg: SigningAlg, now = Date.now()): Promise<SigningKeyRecord> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: RSA_MODULUS_BITS } : {}) });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  return { kid, alg, privateJwk: { ...privateJwk, kid }, publicJwk: publicJwkOf(privateJwk, kid, alg) as Record<string, unknown>, active: true, createdAt: now, retiredAt: null };
}

/** The public half of a private JWK, as /jwks publishes it. */
export function publicJwkOf(privateJwk: JWK, kid: string, alg: string): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...pub } = privateJwk;
  return { ...pub, kid, alg, use: 'sig' };
}

/** Bits of an RSA JWK's modulus; undefined for other key types. */
export function rsaModulusBits(jwk: JWK): number | undefined {
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string') return undefined;
  const n = Buffer.from(jwk.n, 'base64url');
  const first = n.findIndex((b) => b !== 0);
  return first < 0 ? 0 : (n.length - first - 1) * 8 + (32 - Math.clz32(n[first]));
}

/**
 * The keys of SIGNING_KEY_FILE (a private JWK or JWKS), all active, in the file's order. A key
 * without `alg` takes its type's (RS256 for RSA, else ES256); RSA keys under 2048 bits are refused.
 */
export async function readSigningKeyFile(path: string): Promise<SigningKeyRecord[]> {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as JWK | { keys: JWK[] };
  const jwks = 'keys' in parsed ? parsed.keys : [parsed];
  if (jwks.length === 0 || jwks.some((k) => !k.d)) throw new Error(`SIGNING_KEY_FILE ${path} must hold private keys`);
  const createdAt = Math.floor(statSync(path).mtimeMs);
  return Promise.all(jwks.map(async (jwk) => {
    const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk));
    const bits = rsaModulusBits(jwk);
    if (bits !== undefined && bits < MIN_RSA_MODULUS_BITS) throw new Error(`SIGNING_KEY_FILE ${path}: RSA key ${kid} has ${bits} bits; at least ${MIN_RSA_MODULUS_BITS} are needed`);
    const alg = jwk.alg ?? (jwk.kty === 'RSA' ? 'RS256' : ACCESS_TOKEN_SIGNING_ALG);
    return { kid, alg, privateJwk: { ...jwk } as Record<string, unknown>, publicJwk: publicJwkOf(jwk, kid, alg) as Record<string, unknown>, active: true, createdAt, retiredAt: null };
  }));
}
