import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { isCompactJws, type SigningKeyService } from '@app/auth';

export interface IdTokenHint {
  sub: string;
  /** The audience: the client the ID token was issued to. */
  clientIds: string[];
  sid?: string;
}

/**
 * Checks an `id_token_hint` (RP-Initiated Logout 1.0 §2): an ID token this server signed
 * (its key, its issuer, `typ: JWT`, so neither an access token nor a logout token passes).
 * An expired one is accepted, as §2 asks: it only names the session to end.
 */
export async function verifyIdTokenHint(token: string, issuer: string, keys: SigningKeyService): Promise<IdTokenHint | undefined> {
  if (token.length > 8192 || !isCompactJws(token)) return undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.typ !== 'JWT') return undefined;
    const key = await keys.resolve(header.kid);
    if (!key) return undefined;
    const unverified = decodeJwt(token);
    // Verify as of the token's own issue time: the signature and issuer must hold, the expiry may have passed.
    const at = typeof unverified.iat === 'number' ? new Date(unverified.iat * 1000) : undefined;
    const { payload } = await jwtVerify(token, key.publicKey, { issuer, algorithms: [key.alg], ...(at ? { currentDate: at } : {}) });
    if (typeof payload.sub !== 'string') return undefined;
    const aud = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud.filter((a): a is string => typeof a === 'string') : [];
    return { sub: payload.sub, clientIds: aud, sid: typeof payload.sid === 'string' ? payload.sid : undefined };
  } catch {
    return undefined;
  }
}
