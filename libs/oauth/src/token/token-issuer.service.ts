import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/common';
import { newOpaqueToken, newTokenId, sessionValidationPolicy, tokenDigest, TokenSigner } from '@app/auth';
import { ClientEntity, IssuedTokenEntity, TokenRepository, UserSessionEntity } from '@app/store';
import { OAUTH_OPTIONS, ResolvedOAuthOptions } from '../oauth.options';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface IssueRequest {
  client: ClientEntity;
  scopes: string[];
  userId?: string;
  session?: UserSessionEntity;
  /** Issue a refresh token in this family (a new family when undefined and withRefresh is set). */
  familyId?: string;
  withRefresh?: boolean;
  nonce?: string;
}

/**
 * Mints access tokens (RFC 9068 JWTs, or reference tokens for clients that ask for them), refresh tokens (opaque, stored as a digest) and ID
 * tokens, and records each one so that revocation can reach it.
 */
@Injectable()
export class TokenIssuer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OAUTH_OPTIONS) private readonly options: ResolvedOAuthOptions,
    private readonly signer: TokenSigner,
    private readonly tokens: TokenRepository,
  ) {}

  async issue(req: IssueRequest, em?: EntityManager): Promise<TokenResponse> {
    const now = Date.now();
    const iat = Math.floor(now / 1000);
    const jti = newTokenId(now);
    const scope = req.scopes.join(' ');
    const sub = req.userId ?? req.client.clientId;
    const sessionClaims = req.session ? { sid: req.session.id, 'pi.sri': req.session.sri } : {};
    // PingFederate's "include session identifier in access token"; the stored record keeps the binding either way.
    const accessSessionClaims = sessionValidationPolicy(req.client).include_session_id ? sessionClaims : {};
    // No refresh token where the refresh_token grant is off: nothing could redeem it.
    const withRefresh = req.withRefresh === true && this.options.grantTypes.has('refresh_token');
    const familyId = withRefresh ? (req.familyId ?? newTokenId(now)) : req.familyId;
    const accessToken = await this.signer.accessToken(
      { iss: this.config.issuer, sub, aud: this.config.issuer, client_id: req.client.clientId, scope, jti, iat, exp: iat + this.config.accessTokenTtl, ...accessSessionClaims },
      req.client.accessTokenFormat,
    );
    // A client's own token (client_credentials) is a self-contained JWT with no row: issuing it
    // writes nothing, and revoking it (RFC 7009) records its id. A user's token is recorded so
    // that its session, grant family and user can all reach it.
    const rows: Partial<IssuedTokenEntity>[] = req.userId
      ? [{
          id: jti, type: 'access_token', clientId: req.client.clientId, userId: req.userId, sessionId: req.session?.id ?? null,
          scope, familyId: familyId ?? null, issuedAt: now, expiresAt: now + this.config.accessTokenTtl * 1000,
        }]
      : [];
    const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: this.config.accessTokenTtl, scope };
    if (withRefresh) {
      const refreshToken = newOpaqueToken();
      rows.push({
        id: tokenDigest(refreshToken), type: 'refresh_token', clientId: req.client.clientId, userId: req.userId ?? null, sessionId: req.session?.id ?? null,
        scope, familyId: familyId ?? null, issuedAt: now, expiresAt: now + this.config.refreshTokenTtl * 1000,
      });
      response.refresh_token = refreshToken;
    }
    if (req.userId && req.scopes.includes('openid')) {
      response.id_token = await this.signer.sign(
        {
          iss: this.config.issuer, sub: req.userId, aud: req.client.clientId, azp: req.client.clientId, iat, exp: iat + this.config.idTokenTtl,
          ...(req.session ? { auth_time: Math.floor(req.session.createdAt / 1000) } : {}),
          ...(req.nonce ? { nonce: req.nonce } : {}),
          ...sessionClaims,
        },
        'JWT',
      );
    }
    if (rows.length > 0) await this.tokens.insert(rows, em);
    return response;
  }
}
