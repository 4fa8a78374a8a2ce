import { Injectable } from '@nestjs/common';
import { isAccessTokenShaped, tokenDigest, TokenSigner, TokenStatusService } from '@app/auth';
import { TokenRepository } from '@app/store';

export type IntrospectionResult = { active: false } | ({ active: true } & Record<string, unknown>);

const INACTIVE: IntrospectionResult = { active: false };

/**
 * RFC 7662. Inactive for anything expired, revoked (by any path: RFC 7009, global
 * revocation, session or SRI revocation), unknown or malformed. A store error propagates
 * (503), so a token that could not be checked is never reported active.
 */
@Injectable()
export class IntrospectionService {
  constructor(private readonly signer: TokenSigner, private readonly status: TokenStatusService, private readonly tokens: TokenRepository) {}

  async introspect(token: string): Promise<IntrospectionResult> {
    if (isAccessTokenShaped(token)) return this.accessToken(token);
    return this.refreshToken(token);
  }

  private async accessToken(token: string): Promise<IntrospectionResult> {
    const claims = await this.signer.verify(token, 'at+jwt');
    if (!claims || typeof claims.jti !== 'string') return INACTIVE;
    const state = await this.status.checkAccessToken(claims);
    if (!state.active) return INACTIVE;
    return {
      active: true, scope: claims.scope, client_id: claims.client_id, sub: claims.sub, aud: claims.aud, iss: claims.iss,
      exp: claims.exp, iat: claims.iat, jti: claims.jti, token_type: 'Bearer',
      ...(claims.sid ? { sid: claims.sid, 'pi.sri': claims['pi.sri'] } : {}),
    };
  }

  private async refreshToken(token: string): Promise<IntrospectionResult> {
    if (token.length > 512) return INACTIVE;
    const record = await this.tokens.findById(tokenDigest(token));
    if (!record || record.type !== 'refresh_token' || record.consumedAt !== null) return INACTIVE;
    const state = await this.status.checkRecord(record);
    if (!state.active) return INACTIVE;
    return {
      active: true, scope: record.scope, client_id: record.clientId, ...(record.userId ? { sub: record.userId } : {}),
      exp: Math.floor(record.expiresAt / 1000), iat: Math.floor(record.issuedAt / 1000), token_type: 'refresh_token',
    };
  }
}
