import { Injectable } from '@nestjs/common';
import { MaybeAsync } from '@app/common';
import { SessionActivityService } from '@app/sessions/core';
import {
  ClientEntity, IssuedTokenEntity, RevokedSriRepository, SessionRepository, SessionValidationPolicy, TokenRepository, UserSuspensionRepository, WatermarkRepository,
} from '@app/store';
import { ClientCache } from '../state/client-cache.service';
import { RevocationIndex } from '../state/revocation-index.service';
import { AccessTokenState, DEFAULT_SESSION_VALIDATION, revocationState, sessionValidationPolicy } from './revocation-rules';
import { RevocationFactSources, StoreRevocationFacts } from './store-revocation-facts';
import { issuedAtOfTokenId } from './token-ids';
import { accessTokenKindOf, TOKEN_KIND_CLAIM } from './token-kind';

/** The verified claims of an access token this server issued. */
export interface AccessTokenClaims {
  jti?: unknown;
  sub?: unknown;
  client_id?: unknown;
  sid?: unknown;
  'pi.sri'?: unknown;
  iat?: unknown;
  exp?: unknown;
  [TOKEN_KIND_CLAIM]?: unknown;
}

export type TokenState = { active: true; record: IssuedTokenEntity } | { active: false; reason: string };

/**
 * Decides whether a token this server issued is still good, with the rules of revocationState
 * over the in-memory RevocationIndex while it is current, over the store otherwise. Any store
 * error propagates, so callers fail closed instead of answering "active".
 */
@Injectable()
export class TokenStatusService {
  private readonly sources: RevocationFactSources;

  constructor(
    private readonly tokens: TokenRepository,
    watermarks: WatermarkRepository,
    sessions: SessionRepository,
    revokedSris: RevokedSriRepository,
    suspensions: UserSuspensionRepository,
    private readonly activity: SessionActivityService,
    private readonly index: RevocationIndex,
    private readonly clients: ClientCache,
  ) {
    this.sources = { watermarks, sessions, revokedSris, suspensions };
  }

  /**
   * Whether a verified access token is still good. Answered from the in-memory revocation
   * index while it is current (no store read on the hot path); otherwise, or when the token
   * needs more than the index knows (a session-validity policy, a token without `sid`), from
   * the store. client_credentials tokens have no record: they are good until revoked by id.
   * Whose token it is comes from its kind claim (TOKEN_KIND_CLAIM), never from `sub`.
   */
  checkAccessToken(claims: AccessTokenClaims, now = Date.now()): MaybeAsync<AccessTokenState> {
    const jti = typeof claims.jti === 'string' ? claims.jti : undefined;
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : undefined;
    if (!jti || !clientId) return { active: false, reason: 'malformed' };
    // Not async: with the client in memory the whole check is answered without a promise.
    const cached = this.clients.cached(clientId);
    if (cached !== undefined) return this.checkAccessTokenOf(cached, jti, claims, now);
    return this.clients.get(clientId).then((client) => this.checkAccessTokenOf(client, jti, claims, now));
  }

  private checkAccessTokenOf(client: ClientEntity | null, jti: string, claims: AccessTokenClaims, now: number): MaybeAsync<AccessTokenState> {
    if (!client) return { active: false, reason: 'client_removed' };
    const kind = accessTokenKindOf(claims);
    // Unmarked (issued before the kind was): checked as a user's token, its user and session.
    const isUserToken = kind !== 'client';
    if (isUserToken && typeof claims.sub !== 'string') return { active: false, reason: 'malformed' };
    // Only a client's own token has no record (until revoked); an unmarked one only if its subject is the client.
    const mayLackRecord = kind === 'client' || (kind === undefined && claims.sub === client.clientId);
    const sid = isUserToken && typeof claims.sid === 'string' ? claims.sid : undefined;
    if (!this.index.isFresh(now) || (isUserToken && sid === undefined)) return this.checkAccessTokenInStore(jti, mayLackRecord, now);
    const policy = isUserToken ? sessionValidationPolicy(client) : DEFAULT_SESSION_VALIDATION;
    const state = revocationState(
      this.index, jti, isUserToken ? (claims.sub as string) : undefined, isUserToken ? (issuedAtOfTokenId(jti) ?? Number(claims.iat) * 1000) : 0,
      typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity, sid, typeof claims['pi.sri'] === 'string' ? claims['pi.sri'] : undefined, policy, now,
    );
    // The index cannot tell (a session id without its start), or the client asks for a valid session, which only the store knows.
    if (state === undefined || (state.active && sid !== undefined && policy.check_valid_authn_session)) return this.checkAccessTokenInStore(jti, mayLackRecord, now);
    return state;
  }

  private async checkAccessTokenInStore(jti: string, mayLackRecord: boolean, now: number): Promise<AccessTokenState> {
    const record = await this.tokens.findById(jti);
    // Every user token is recorded when it is issued.
    if (!record) return mayLackRecord ? { active: true } : { active: false, reason: 'unknown' };
    const state = await this.checkRecord(record, now);
    return state.active ? { active: true } : state;
  }

  async check(id: string, now = Date.now()): Promise<TokenState> {
    const record = await this.tokens.findById(id);
    if (!record) return { active: false, reason: 'unknown' };
    return this.checkRecord(record, now);
  }

  /** From the store: the same rules over the record's facts, then its session's validity when its client asks for it. */
  async checkRecord(record: IssuedTokenEntity, now = Date.now()): Promise<TokenState> {
    const facts = await StoreRevocationFacts.load(this.sources, record, now, (clientId) => this.policyFor(clientId));
    const state = revocationState(
      facts, record.id, record.userId || undefined, record.issuedAt, record.expiresAt, record.sessionId || undefined, facts.session?.sri, facts.policy, now,
    );
    if (!state?.active) return state ?? { active: false, reason: 'unknown' };
    const session = facts.session;
    if (session && facts.policy.check_valid_authn_session) {
      if (!SessionRepository.isValid(session, now)) return { active: false, reason: 'session_expired' };
      // PingFederate's "update authentication session activity": validating the token counts as activity (75% rule applies).
      if (facts.policy.update_authn_session_activity) await this.activity.touch(session, now);
    }
    return { active: true, record };
  }

  async policyFor(clientId: string): Promise<Required<SessionValidationPolicy>> {
    return sessionValidationPolicy(await this.clients.get(clientId));
  }
}
