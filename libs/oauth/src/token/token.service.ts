import { Inject, Injectable } from '@nestjs/common';
import {
  ApiError, idleTimeoutFor, InjectConfig, invalidGrant, invalidScope, OAuthErrorCode, SessionConfig, unauthorizedClient, unsupportedGrantType,
} from '@app/common';
import { newTokenId, PasswordSignIn, tokenDigest, TokenStatusService } from '@app/auth';
import { SriCodec } from '@app/sessions';
import { ClientEntity, SessionRepository, TokenRepository, Transactor, UserRepository } from '@app/store';
import { parseScope, requireParam } from '../form-params';
import { requestedResources, resourcesUnderGrant } from '../resource-indicators';
import { AuthorizationCodeService } from '../authorization-code/authorization-code.service';
import { GrantType, OAUTH_OPTIONS, ResolvedOAuthOptions } from '../oauth.options';
import { TokenIssuer, TokenResponse } from './token-issuer.service';

export const TOKEN_PARAMS = [
  'grant_type', 'scope', 'username', 'password', 'refresh_token', 'client_id', 'client_secret', 'code', 'redirect_uri', 'code_verifier',
] as const;
/** The form's single-valued parameters, and its `resource` ones (RFC 8707 §2, which may repeat). */
export type TokenParams = Partial<Record<(typeof TOKEN_PARAMS)[number], string>> & { resource?: readonly string[] };

/** Scopes that are never granted implicitly through client_credentials. */
const USER_ONLY_SCOPES = new Set(['openid', 'offline_access']);

/** POST /token: one method per grant type, each in the order RFC 6749 §4 lists its checks. */
@Injectable()
export class TokenService {
  constructor(
    @InjectConfig('sessions') private readonly sessionsConfig: SessionConfig,
    private readonly issuer: TokenIssuer,
    private readonly signIns: PasswordSignIn,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenRepository,
    private readonly status: TokenStatusService,
    private readonly tx: Transactor,
    private readonly codes: AuthorizationCodeService,
    @Inject(OAUTH_OPTIONS) private readonly options: ResolvedOAuthOptions,
    private readonly sris: SriCodec,
    private readonly users: UserRepository,
  ) {}

  async exchange(client: ClientEntity, params: TokenParams, meta: { ip?: string; userAgent?: string; signal?: AbortSignal } = {}): Promise<TokenResponse> {
    const grantType = requireParam(params, 'grant_type');
    // A grant the module leaves out is unknown here, as it is in discovery.
    if (!this.options.grantTypes.has(grantType as GrantType)) {
      throw unsupportedGrantType(`The grant type ${grantType} is not supported.`);
    }
    if (!client.grantTypes.includes(grantType)) throw unauthorizedClient(`This client may not use the ${grantType} grant.`);
    switch (grantType) {
      case 'client_credentials':
        return this.clientCredentials(client, params);
      case 'password':
        return this.password(client, params, meta);
      case 'authorization_code':
        return this.codes.exchange(client, params);
      default:
        return this.refresh(client, params);
    }
  }

  /** RFC 6749 §4.4, with RFC 8707 §2.2's resources. */
  private async clientCredentials(client: ClientEntity, params: TokenParams): Promise<TokenResponse> {
    const requested = parseScope(params.scope);
    const scopes = requested.length > 0 ? this.allowedScopes(client, requested) : client.scopes.filter((s) => !USER_ONLY_SCOPES.has(s));
    const resources = requestedResources(client, params.resource ?? []);
    return this.issuer.issue({ client, scopes, resources });
  }

  /**
   * RFC 6749 §4.3: authenticates the user, starts a user session, returns access, refresh and ID
   * tokens. Guesses are limited (PasswordSignIn); past the limit the answer is 429 with
   * Retry-After and RFC 6749's `invalid_grant`, which clients of this grant already handle.
   */
  private async password(client: ClientEntity, params: TokenParams, meta: { ip?: string; userAgent?: string; signal?: AbortSignal }): Promise<TokenResponse> {
    // A public client cannot keep a user's password to itself, and nothing ties a guess to it
    // (RFC 9700 §2.4). Registration refuses the pair; this covers clients stored before that.
    if (client.tokenEndpointAuthMethod === 'none') throw unauthorizedClient('A public client (token_endpoint_auth_method none) may not use the password grant.');
    const username = requireParam(params, 'username');
    const password = requireParam(params, 'password');
    const requested = parseScope(params.scope);
    const scopes = requested.length > 0 ? this.allowedScopes(client, requested) : client.scopes;
    // Checked before the password: a request that cannot succeed spends no guess.
    const resources = requestedResources(client, params.resource ?? []);
    const outcome = await this.signIns.attempt({ username, password, clientId: client.clientId, ip: meta.ip, via: 'password_grant', signal: meta.signal });
    if (outcome.result === 'throttled') {
      const seconds = outcome.retryAfterSeconds;
      throw new ApiError(429, OAuthErrorCode.invalidGrant, `Too many failed sign-in attempts; try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`, {
        'Retry-After': String(seconds),
      });
    }
    if (outcome.result === 'failure') throw invalidGrant('The resource owner credentials are invalid.');
    const { user } = outcome;
    const now = Date.now();
    const session = this.sessions.create({
      id: newTokenId(now), sri: this.sris.seal(user.id, now), sriSealed: true, userId: user.id, clientIds: [client.clientId], authnSource: 'password',
      clientIp: meta.ip?.slice(0, 64) ?? null, userAgent: meta.userAgent?.slice(0, 512) ?? null, createdAt: now, lastActivityAt: now,
      idleTimeout: idleTimeoutFor(this.sessionsConfig, 'password'), maxLifetime: this.sessionsConfig.maxLifetime, revokedAt: null, revokedReason: null, revokedBy: null,
    });
    return this.tx.run(async (em) => {
      await this.sessions.insert(session, em);
      return this.issuer.issue({ client, scopes, resources, userId: user.id, session, withRefresh: client.grantTypes.includes('refresh_token') }, em);
    });
  }

  /**
   * RFC 6749 §6 with rotation: each refresh token works once; a reused one revokes its whole family.
   * The access token gets the scope asked for (by default the one originally granted), narrowed
   * to the scopes the client holds now: a scope removed from the client is no longer minted.
   * When none is left, invalid_scope (§5.2; §3.3 lets a server fail rather than issue a token
   * that grants nothing), and the refresh token stays unused. The new refresh token keeps the
   * scope of the one presented, as §6 requires; each refresh narrows again. Resources (RFC 8707
   * §2.2) likewise: the access token is for those asked, within the grant's, and the new refresh
   * token keeps the grant's.
   */
  private async refresh(client: ClientEntity, params: TokenParams): Promise<TokenResponse> {
    const presented = requireParam(params, 'refresh_token');
    const record = await this.tokens.findById(tokenDigest(presented));
    if (!record || record.type !== 'refresh_token' || record.clientId !== client.clientId) {
      throw invalidGrant('The refresh token is invalid.');
    }
    if (record.consumedAt !== null) {
      if (record.familyId) await this.tokens.revokeFamily(record.familyId, 'refresh_token_reuse');
      throw invalidGrant('The refresh token was already used; its token family is revoked.');
    }
    const state = await this.status.checkRecord(record);
    if (!state.active) throw invalidGrant('The refresh token is expired or revoked.');
    if (record.userId && (await this.users.isDisabled(record.userId))) throw invalidGrant('The user is disabled.');
    const requested = parseScope(params.scope);
    const granted = record.scope.split(' ').filter(Boolean);
    if (requested.some((s) => !granted.includes(s))) throw invalidScope('The requested scope exceeds the original grant.');
    const asked = requested.length > 0 ? requested : granted;
    const scopes = asked.filter((s) => client.scopes.includes(s));
    if (asked.length > 0 && scopes.length === 0) throw invalidScope('The client no longer holds any of the scopes asked for.');
    const resources = resourcesUnderGrant(client, record.resources, params.resource ?? []);
    const session = record.sessionId ? await this.sessions.findById(record.sessionId) : null;
    return this.tx.run(async (em) => {
      // Conditional update: of two concurrent refreshes with the same token, only one wins.
      if (!(await this.tokens.consume(record.id, em))) throw invalidGrant('The refresh token was already used.');
      return this.issuer.issue(
        {
          client, scopes, refreshScopes: granted, userId: record.userId ?? undefined, session: session ?? undefined, familyId: record.familyId ?? undefined,
          withRefresh: true, resources, grantResources: record.resources ?? null,
        },
        em,
      );
    });
  }

  private allowedScopes(client: ClientEntity, requested: string[]): string[] {
    const denied = requested.filter((s) => !client.scopes.includes(s));
    if (denied.length > 0) throw invalidScope(`The client is not registered for the scope ${denied.join(' ')}.`);
    return requested;
  }
}
