import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, jwtVerify, JWTPayload, SignJWT } from 'jose';
import { APP_CONFIG, AppConfig } from '@app/common';
import { SigningKeyService } from '../keys/signing-key.service';

export type TokenTyp = 'at+jwt' | 'JWT' | 'logout+jwt' | 'secevent+jwt';

/** Signs and verifies this server's JWTs; the algorithm is pinned to the key's own. */
@Injectable()
export class TokenSigner {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly keys: SigningKeyService) {}

  async sign(claims: JWTPayload & Record<string, unknown>, typ: TokenTyp): Promise<string> {
    const key = this.keys.current();
    return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ }).sign(key.privateKey);
  }

  /**
   * Verifies signature, issuer, expiry and `typ` of a token this server issued.
   * Returns undefined for anything that does not verify; never throws for bad input.
   */
  async verify(token: string, typ: TokenTyp): Promise<JWTPayload | undefined> {
    if (token.length > 8192 || token.split('.').length !== 3) return undefined;
    try {
      const header = decodeProtectedHeader(token);
      const key = this.keys.find(header.kid);
      if (!key || header.typ?.toLowerCase() !== typ.toLowerCase()) return undefined;
      const { payload } = await jwtVerify(token, key.publicKey, { issuer: this.config.issuer, algorithms: [key.alg], typ });
      return payload;
    } catch {
      return undefined;
    }
  }
}
