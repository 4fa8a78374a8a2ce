import { Injectable, Optional } from '@nestjs/common';
import { ApiError, OAuthErrorCode } from '@app/common';
import { isAccessTokenShaped, tokenDigest, TokenSigner } from '@app/auth';
import { StatusListIssuance } from '@app/status-list';
import { IssuedTokenEntity, TokenRepository, Transactor } from '@app/store';

/**
 * RFC 7009. Unknown, malformed and already-revoked tokens answer 200 as the RFC asks; a
 * token issued to another client is refused. Revoking a refresh token also revokes the
 * access tokens of the same grant (§2.1).
 */
@Injectable()
export class TokenRevocationService {
  constructor(
    private readonly signer: TokenSigner, private readonly tokens: TokenRepository, private readonly tx: Transactor,
    @Optional() private readonly statusLists?: StatusListIssuance,
  ) {}

  async revoke(clientId: string, token: string): Promise<void> {
    if (isAccessTokenShaped(token)) {
      const claims = await this.signer.verify(token, 'at+jwt');
      if (typeof claims?.jti !== 'string') return;
      const record = await this.tokens.findById(claims.jti);
      if (record) return this.revokeRecord(clientId, record);
      // A client_credentials token has no row until it is revoked: record its id as revoked.
      if (claims.client_id !== clientId) throw notIssuedToYou();
      await this.tokens.insertRevoked({
        id: claims.jti, type: 'access_token', clientId, userId: null, sessionId: null, scope: String(claims.scope ?? ''),
        familyId: null, issuedAt: Number(claims.iat) * 1000, expiresAt: Number(claims.exp) * 1000,
      }, 'rfc7009');
      // Its status list entry is written behind: the claims bring it back if a crash lost it.
      await this.statusLists?.recordFromClaims(claims);
      return;
    }
    if (token.length > 512) return;
    const record = await this.tokens.findById(tokenDigest(token));
    if (record?.type === 'refresh_token') await this.revokeRecord(clientId, record);
  }

  private async revokeRecord(clientId: string, record: IssuedTokenEntity): Promise<void> {
    if (record.clientId !== clientId) throw notIssuedToYou();
    await this.tx.run(async (em) => {
      await this.tokens.revoke(record.id, 'rfc7009', em);
      if (record.type === 'refresh_token' && record.familyId) await this.tokens.revokeFamily(record.familyId, 'rfc7009', em);
    });
  }

}

const notIssuedToYou = () => new ApiError(400, OAuthErrorCode.unauthorizedClient, 'The token was not issued to this client.');
