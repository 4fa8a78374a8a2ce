import { Injectable } from '@nestjs/common';
import { decodeProtectedHeader, jwtVerify, JWTPayload, SignJWT } from 'jose';
import { HttpConfig, InjectConfig, MaybeAsync } from '@app/common';
import { AccessTokenFormat, SigningAlg } from '@app/store';
import { SigningKeyService } from '../keys/signing-key.service';
import { ACCESS_TOKEN_SIGNING_ALG } from '../keys/signing-keys';
import { isReferenceToken, ReferenceTokenCodec } from './reference-token-codec.service';
import { isCompactJws } from './compact-jws';

const VERIFIED_CACHE_MAX = 20_000;

export type TokenTyp = 'at+jwt' | 'JWT' | 'logout+jwt' | 'secevent+jwt';

/**
 * Signs and verifies this server's JWTs; the algorithm is pinned to the key's own. Access tokens
 * (`at+jwt`) are verified here in either format, JWT or reference (ReferenceTokenCodec), so every
 * reader of an access token accepts both.
 */
@Injectable()
export class TokenSigner {
  /** Verified access tokens by their text: a signature is checked once, expiry on every use. */
  private readonly verified = new Map<string, JWTPayload>();
  private cacheHits = 0;
  private cacheMisses = 0;

  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    private readonly keys: SigningKeyService,
    private readonly references: ReferenceTokenCodec,
  ) {}

  /** Signs with the active key of `alg` (access tokens' ES256 unless told). */
  async sign(claims: JWTPayload & Record<string, unknown>, typ: TokenTyp, alg: SigningAlg = ACCESS_TOKEN_SIGNING_ALG): Promise<string> {
    const key = this.keys.current(alg);
    const header = { alg: key.alg, kid: key.kid, typ };
    if (key.compact) return key.compact(header, claims);
    return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
  }

  /** An access token in the client's format: an RFC 9068 JWT, or a reference token that only this server reads. */
  async accessToken(claims: JWTPayload & Record<string, unknown>, format: AccessTokenFormat): Promise<string> {
    return format === 'reference' ? this.references.seal(claims) : this.sign(claims, 'at+jwt');
  }

  /**
   * Verifies signature, issuer, expiry and `typ` of a token this server issued.
   * Returns undefined for anything that does not verify; never throws for bad input.
   * An access token verified earlier is answered without a promise.
   */
  verify(token: string, typ: TokenTyp): MaybeAsync<JWTPayload | undefined> {
    if (typ === 'at+jwt') {
      const hit = this.verified.get(token);
      if (hit) {
        if (typeof hit.exp === 'number' && hit.exp * 1000 > Date.now()) {
          this.cacheHits++;
          return hit;
        }
        this.verified.delete(token);
        return undefined;
      }
      this.cacheMisses++;
      return isReferenceToken(token) ? this.remember(token, this.references.open(token)) : this.verifyUncached(token, typ).then((p) => this.remember(token, p));
    }
    return this.verifyUncached(token, typ);
  }

  private remember(token: string, payload: JWTPayload | undefined): JWTPayload | undefined {
    if (payload) {
      if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, payload);
    }
    return payload;
  }

  /** Access-token verifications answered from the cache (signature already checked) and checked anew, since start. */
  cacheStats(): { hits: number; misses: number } {
    return { hits: this.cacheHits, misses: this.cacheMisses };
  }

  private async verifyUncached(token: string, typ: TokenTyp): Promise<JWTPayload | undefined> {
    if (token.length > 8192 || !isCompactJws(token)) return undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.typ?.toLowerCase() !== typ.toLowerCase()) return undefined;
      const key = await this.keys.resolve(header.kid);
      if (!key) return undefined;
      const { payload } = await jwtVerify(token, key.publicKey, { issuer: this.http.issuer, algorithms: [key.alg], typ });
      return payload;
    } catch {
      return undefined;
    }
  }
}
