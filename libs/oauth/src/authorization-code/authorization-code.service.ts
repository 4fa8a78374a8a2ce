import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InjectConfig, invalidGrant, TokenConfig } from '@app/common';
import { requireParam } from '../form-params';
import { newOpaqueToken, newTokenId, tokenDigest, TokenStatusService } from '@app/auth';
import { AuthorizationCodeDetails, ClientEntity, SessionRepository, TokenRepository, Transactor, UserRepository, UserSessionEntity } from '@app/store';
import { TokenIssuer, TokenResponse } from '../token/token-issuer.service';
import { resourcesUnderGrant } from '../resource-indicators';
import { pkceMatches } from './pkce';

export interface CodeRequest {
  client: ClientEntity;
  session: UserSessionEntity;
  scopes: string[];
  /** RFC 8707 §2.1: the resources asked for at /authorize, already checked against the client's; the token request may narrow them. */
  resources: readonly string[];
  details: AuthorizationCodeDetails;
}

/**
 * Authorization codes (RFC 6749 §4.1): issued by /authorize for a user session, exchanged once
 * at /token. Stored like refresh tokens (a digest, never the code) in issued_token, bound to
 * the session and the user, so every revocation that reaches those reaches the code too.
 */
@Injectable()
export class AuthorizationCodeService {
  constructor(
    @InjectConfig('tokens') private readonly tokensConfig: TokenConfig,
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
    private readonly status: TokenStatusService,
    private readonly issuer: TokenIssuer,
    private readonly tx: Transactor,
    private readonly users: UserRepository,
  ) {}

  /** A new code, recorded in the caller's transaction. The tokens it yields share its family. */
  async issue(req: CodeRequest, em: EntityManager): Promise<string> {
    const now = Date.now();
    const code = newOpaqueToken();
    await this.tokens.insert([{
      id: tokenDigest(code), type: 'authorization_code', clientId: req.client.clientId, userId: req.session.userId, sessionId: req.session.id,
      scope: req.scopes.join(' '), familyId: newTokenId(now), issuedAt: now, expiresAt: now + this.tokensConfig.authorizationCodeTtl * 1000, details: req.details,
      resources: req.resources.length > 0 ? [...req.resources] : null,
    }], em);
    return code;
  }

  /** RFC 6749 §4.1.3 and RFC 7636 §4.6, in their order; every failure is invalid_grant. */
  async exchange(client: ClientEntity, params: { code?: string; redirect_uri?: string; code_verifier?: string; resource?: readonly string[] }): Promise<TokenResponse> {
    const code = requireParam(params, 'code');
    const redirectUri = requireParam(params, 'redirect_uri');
    const record = await this.tokens.findById(tokenDigest(code));
    if (!record || record.type !== 'authorization_code' || record.clientId !== client.clientId) throw invalidGrant('The authorization code is invalid.');
    if (record.consumedAt !== null) {
      // §4.1.2: a code used twice revokes what it was exchanged for.
      if (record.familyId) await this.tokens.revokeFamily(record.familyId, 'authorization_code_reuse');
      throw invalidGrant('The authorization code was already used; the tokens issued for it are revoked.');
    }
    const state = await this.status.checkRecord(record);
    if (!state.active) throw invalidGrant('The authorization code is expired or revoked.');
    const details = record.details;
    if (!details || details.redirect_uri !== redirectUri) throw invalidGrant('The redirect_uri does not match the authorization request.');
    if (!pkceMatches(details.code_challenge, params.code_verifier)) {
      throw invalidGrant(details.code_challenge ? 'The code_verifier does not match the code_challenge.' : 'This code was issued without a code_challenge; send no code_verifier.');
    }
    const session = record.sessionId ? await this.sessions.findById(record.sessionId) : null;
    if (!session || !SessionRepository.isValid(session) || !record.userId) throw invalidGrant('The session this code was issued in has ended.');
    if (await this.users.isDisabled(record.userId)) throw invalidGrant('The user is disabled.');
    // RFC 8707 §2.2: the token is for the resources asked for now, within those asked for at /authorize.
    const resources = resourcesUnderGrant(client, record.resources, params.resource ?? []);
    return this.tx.run(async (em) => {
      // Conditional update: of two concurrent exchanges of one code, only one wins.
      if (!(await this.tokens.consume(record.id, em))) throw invalidGrant('The authorization code was already used.');
      return this.issuer.issue({
        client, scopes: record.scope.split(' ').filter(Boolean), userId: record.userId!, session, familyId: record.familyId ?? undefined,
        withRefresh: client.grantTypes.includes('refresh_token'), nonce: details.nonce, resources, grantResources: record.resources ?? null,
      }, em);
    });
  }
}
