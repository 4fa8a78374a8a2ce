import { Injectable } from '@nestjs/common';
import { ApiError, OAuthErrorCode } from '@app/common';
import { tokenDigest, TokenSigner } from '@app/auth';
import { IssuedTokenEntity, TokenRepository, Transactor } from '@app/store';

/**
 * RFC 7009. Unknown, malformed and already-revoked tokens answer 200 as the RFC asks; a
 * token issued to another client is refused. Revoking a refresh token also revokes the
 * access tokens of the same grant (§2.1).
 */
@Injectable()
export class TokenRevocationService {
  constructor(private readonly signer: TokenSigner, private readonly tokens: TokenRepository, private readonly tx: Transactor) {}

  async revoke(clientId: string, token: string): Promise<void> {
    const record = await this.find(token);
    if (!record) return;
    if (record.clientId !== clientId) {
      throw new ApiError(400, OAuthErrorCode.unauthorizedClient, 'The token was not issued to this client.');
    }
    await this.tx.run(async (em) => {
      await this.tokens.revoke(record.id, 'rfc7009', em);
      if (record.type === 'refresh_token' && record.familyId) await this.tokens.revokeFamily(record.familyId, 'rfc7009', em);
    });
  }

  private async find(token: string): Promise<IssuedTokenEntity | null> {
    if (token.split('.').length === 3) {
      const claims = await this.signer.verify(token, 'at+jwt');
      return typeof claims?.jti === 'string' ? this.tokens.findById(claims.jti) : null;
    }
    if (token.length > 512) return null;
    const record = await this.tokens.findById(tokenDigest(token));
    return record?.type === 'refresh_token' ? record : null;
  }
}
