import { Inject, Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { HttpConfig, InjectConfig, TokenConfig } from '@app/common';
import { AccessTokenKind, newOpaqueToken, newTokenId, sessionValidationPolicy, tokenDigest, TOKEN_KIND_CLAIM, TokenSigner } from '@app/auth';
import { StatusListIssuance } from '@app/status-list';
import { ClientEntity, IssuedTokenEntity, TokenRepository, UserSessionEntity } from '@app/store';
import { OAUTH_OPTIONS, ResolvedOAuthOptions } from '../oauth.options';
import { audienceFor } from '../resource-indicators';

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
  /** The refresh token's scope, when not the access token's (a refresh keeps its grant's: RFC 6749 §6). */
  refreshScopes?: string[];
  userId?: string;
  session?: UserSessionEntity;
  /** Issue a refresh token in this family (a new family when undefined and withRefresh is set). */
  familyId?: string;
  withRefresh?: boolean;
  nonce?: string;
  /** RFC 8707: the resources the access token is for, its `aud`; none, the issuer. */
  resources?: readonly string[];
  /** The resources the refresh token keeps (its grant's, RFC 8707 §2.2), when not the access token's; null for a grant made without. */
  grantResources?: readonly string[] | null;
}

/**
 * Mints access tokens (RFC 9068 JWTs, or reference tokens for clients that ask for them), refresh tokens (opaque, stored as a digest) and ID
 * tokens, and records each one so that revocation can reach it.
 */
@Injectable()
export class TokenIssuer {
  constructor(
    @InjectConfig('http') private readonly http: HttpConfig, @InjectConfig('tokens') private readonly tokensConfig: TokenConfig,
    @Inject(OAUTH_OPTIONS) private readonly options: ResolvedOAuthOptions,
    private readonly signer: TokenSigner,
    private readonly tokens: TokenRepository,
    @Optional() private readonly statusLists?: StatusListIssuance,
  ) {}

  async issue(req: IssueRequest, em?: EntityManager): Promise<TokenResponse> {
    const now = Date.now();
    const iat = Math.floor(now / 1000);
    const jti = newTokenId(now);
    const scope = req.scopes.join(' ');
    const sub = req.userId ?? req.client.clientId;
    // Marked here, where it is known: a user's id may equal a client's, so `sub` cannot tell.
    const kind: AccessTokenKind = req.userId === undefined ? 'client' : 'user';
    const sessionClaims = req.session ? { sid: req.session.id, 'pi.sri': req.session.sri } : {};
    // PingFederate's "include session identifier in access token"; the stored record keeps the binding either way.
    const accessSessionClaims = sessionValidationPolicy(req.client).include_session_id ? sessionClaims : {};
    // No refresh token where the refresh_token grant is off: nothing could redeem it.
    const withRefresh = req.withRefresh === true && this.options.grantTypes.has('refresh_token');
    const familyId = withRefresh ? (req.familyId ?? newTokenId(now)) : req.familyId;
    // Each JWT names its entry in a Token Status List (draft-ietf-oauth-status-list §6.2); a reference token is read through introspection only.
    const statuses = this.statusLists?.forResponse({ clientId: req.client.clientId, userId: req.userId, session: req.session }, em);
    const accessStatus = req.client.accessTokenFormat === 'reference' ? undefined : await statuses?.claim('access_token', jti, now, now + this.tokensConfig.accessTokenTtl * 1000);
    const accessToken = await this.signer.accessToken(
      { iss: this.http.issuer, sub, aud: audienceFor(req.resources ?? [], this.http.issuer), client_id: req.client.clientId, scope, jti, iat, exp: iat + this.tokensConfig.accessTokenTtl, [TOKEN_KIND_CLAIM]: kind, ...accessSessionClaims, ...accessStatus },
      req.client.accessTokenFormat,
    );
    // A client's own token (client_credentials) is a self-contained JWT with no row: issuing it
    // writes nothing, and revoking it (RFC 7009) records its id. A user's token is recorded so
    // that its session, grant family and user can all reach it.
    const rows: Partial<IssuedTokenEntity>[] = req.userId
      ? [{
          id: jti, type: 'access_token', clientId: req.client.clientId, userId: req.userId, sessionId: req.session?.id ?? null,
          scope, familyId: familyId ?? null, issuedAt: now, expiresAt: now + this.tokensConfig.accessTokenTtl * 1000,
        }]
      : [];
    const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: this.tokensConfig.accessTokenTtl, scope };
    if (withRefresh) {
      const refreshToken = newOpaqueToken();
      rows.push({
        id: tokenDigest(refreshToken), type: 'refresh_token', clientId: req.client.clientId, userId: req.userId ?? null, sessionId: req.session?.id ?? null,
        scope: req.refreshScopes?.join(' ') ?? scope, familyId: familyId ?? null, issuedAt: now, expiresAt: now + this.tokensConfig.refreshTokenTtl * 1000,
        resources: grantResourcesOf(req),
      });
      response.refresh_token = refreshToken;
    }
    if (req.userId && req.scopes.includes('openid')) {
      response.id_token = await this.signer.sign(
        {
          iss: this.http.issuer, sub: req.userId, aud: req.client.clientId, azp: req.client.clientId, iat, exp: iat + this.tokensConfig.idTokenTtl,
          ...(req.session ? { auth_time: Math.floor(req.session.createdAt / 1000) } : {}),
          ...(req.nonce ? { nonce: req.nonce } : {}),
          ...sessionClaims,
          ...(await statuses?.claim('id_token', null, now, now + this.tokensConfig.idTokenTtl * 1000)),
        },
        'JWT',
        req.client.idTokenSignedResponseAlg,
      );
    }
    if (rows.length > 0) await this.tokens.insert(rows, em);
    await statuses?.record();
    return response;
  }
}

function grantResourcesOf(req: IssueRequest): string[] | null {
  const resources = req.grantResources !== undefined ? req.grantResources : req.resources;
  return resources && resources.length > 0 ? [...resources] : null;
}
