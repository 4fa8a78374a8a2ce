import { Injectable } from '@nestjs/common';
import { MaybeAsync } from '@app/common';
import {
  ClientEntity, IssuedTokenEntity, RevokedSriRepository, SessionRepository, SessionValidationPolicy, TokenRepository, WatermarkRepository,
} from '@app/store';
import { SessionActivityService } from '../sessions/session-activity.service';
import { RevocationIndex } from '../state/revocation-index.service';
import { issuedAtOfTokenId } from './token-ids';

/** The verified claims of an access token this server issued. */
export interface AccessTokenClaims {
  jti?: unknown;
  sub?: unknown;
  client_id?: unknown;
  sid?: unknown;
  'pi.sri'?: unknown;
  iat?: unknown;
  exp?: unknown;
}

/** Server default for PingFederate's session validation settings; `check_session_revocation_status` is on here. */
export const DEFAULT_SESSION_VALIDATION: Required<SessionValidationPolicy> = {
  include_session_id: true,
  check_session_revocation_status: true,
  check_valid_authn_session: false,
  update_authn_session_activity: false,
};

/** A client's session validation policy: its own settings over the server default. */
export function sessionValidationPolicy(client: Pick<ClientEntity, 'sessionValidation'> | null | undefined): Required<SessionValidationPolicy> {
  return { ...DEFAULT_SESSION_VALIDATION, ...(client?.sessionValidation ?? {}) };
}

/**
 * `revoked_reason` of a session ended because its SRI entered the session revocation list. Its
 * tokens follow their client's policy (check_session_revocation_status or
 * check_valid_authn_session), as PingFederate's do; a session ended any other way ends its tokens.
 */
export const SESSION_ENDED_BY_SRI_LIST = 'session_revocation_api';

export type TokenState = { active: true; record: IssuedTokenEntity } | { active: false; reason: string };
export type AccessTokenState = { active: true } | { active: false; reason: string };

/**
 * The one place that decides whether a token this server issued is still good: its own
 * record, the user's "valid after" watermark, its session, and the session revocation list.
 * Any store error propagates, so callers fail closed instead of answering "active".
 */
@Injectable()
export class TokenStatusService {
  constructor(
    private readonly tokens: TokenRepository,
    private readonly watermarks: WatermarkRepository,
    private readonly sessions: SessionRepository,
    private readonly revokedSris: RevokedSriRepository,
    private readonly activity: SessionActivityService,
    private readonly index: RevocationIndex,
  ) {}

  /**
   * Whether a verified access token is still good. Answered from the in-memory revocation
   * index while it is current (no store read on the hot path); otherwise, or when the token
   * needs more than the index knows (a session-validity policy, a token without `sid`), from
   * the store. client_credentials tokens have no record: they are good until revoked by id.
   */
  checkAccessToken(claims: AccessTokenClaims, now = Date.now()): MaybeAsync<AccessTokenState> {
    const jti = typeof claims.jti === 'string' ? claims.jti : undefined;
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : undefined;
    if (!jti || !clientId) return { active: false, reason: 'malformed' };
    // Not async: with the client in memory the whole check is answered without a promise.
    const cached = this.index.cachedClient(clientId);
    if (cached !== undefined) return this.checkAccessTokenOf(cached, jti, claims, now);
    return this.index.client(clientId).then((client) => this.checkAccessTokenOf(client, jti, claims, now));
  }

  private checkAccessTokenOf(client: ClientEntity | null, jti: string, claims: AccessTokenClaims, now: number): MaybeAsync<AccessTokenState> {
    if (!client) return { active: false, reason: 'client_removed' };
    const isUserToken = typeof claims.sub === 'string' && claims.sub !== client.clientId;
    const fast = this.index.isFresh(now) && (!isUserToken || typeof claims.sid === 'string');
    if (!fast) return this.checkAccessTokenInStore(jti, isUserToken, now);
    if (this.index.isTokenRevoked(jti)) return { active: false, reason: 'revoked' };
    if (!isUserToken) return { active: true };
    const issuedAt = issuedAtOfTokenId(jti) ?? Number(claims.iat) * 1000;
    const validAfter = this.index.watermarkOf(claims.sub as string);
    if (issuedAt <= validAfter) return { active: false, reason: 'user_revoked' };
    const sid = claims.sid as string;
    const sessionCreatedAt = issuedAtOfTokenId(sid);
    if (sessionCreatedAt === undefined) return this.checkAccessTokenInStore(jti, true, now);
    if (sessionCreatedAt <= validAfter) return { active: false, reason: 'user_revoked' };
    const ended = this.index.sessionEndReason(sid);
    if (ended !== undefined && ended !== SESSION_ENDED_BY_SRI_LIST) return { active: false, reason: 'session_revoked' };
    const policy = sessionValidationPolicy(client);
    if (policy.check_valid_authn_session) return this.checkAccessTokenInStore(jti, true, now);
    const sri = typeof claims['pi.sri'] === 'string' ? claims['pi.sri'] : undefined;
    if (policy.check_session_revocation_status && (ended !== undefined || (sri !== undefined && this.index.isSriListed(sri, now)))) {
      return { active: false, reason: 'sri_revoked' };
    }
    return { active: true };
  }

  private async checkAccessTokenInStore(jti: string, isUserToken: boolean, now: number): Promise<AccessTokenState> {
    const record = await this.tokens.findById(jti);
    if (!record) return isUserToken ? { active: false, reason: 'unknown' } : { active: true };
    const state = await this.checkRecord(record, now);
    return state.active ? { active: true } : state;
  }

  async check(id: string, now = Date.now()): Promise<TokenState> {
    const record = await this.tokens.findById(id);
    if (!record) return { active: false, reason: 'unknown' };
    return this.checkRecord(record, now);
  }

  async checkRecord(record: IssuedTokenEntity, now = Date.now()): Promise<TokenState> {
    if (record.revokedAt !== null) return { active: false, reason: 'revoked' };
    if (record.expiresAt <= now) return { active: false, reason: 'expired' };
    let validAfter = 0;
    if (record.userId) {
      validAfter = await this.watermarks.validAfter(record.userId);
      if (record.issuedAt <= validAfter) return { active: false, reason: 'user_revoked' };
    }
    if (record.sessionId) {
      const session = await this.sessions.findById(record.sessionId);
      if (!session) return { active: false, reason: 'session_revoked' };
      // A session opened before a global revocation ended with it, even one committed by a
      // concurrent login after the revocation's UPDATE had run.
      if (session.createdAt <= validAfter) return { active: false, reason: 'user_revoked' };
      const endedByList = session.revokedAt !== null && session.revokedReason === SESSION_ENDED_BY_SRI_LIST;
      if (session.revokedAt !== null && !endedByList) return { active: false, reason: 'session_revoked' };
      const policy = await this.policyFor(record.clientId);
      // A session ended by the list stays ended after its entry expires or is purged.
      if (policy.check_session_revocation_status && (endedByList || (await this.revokedSris.findListed(session.sri, now)))) {
        return { active: false, reason: 'sri_revoked' };
      }
      if (policy.check_valid_authn_session) {
        if (!SessionRepository.isValid(session, now)) return { active: false, reason: 'session_expired' };
        // PingFederate's "update authentication session activity": validating the token counts as activity (75% rule applies).
        if (policy.update_authn_session_activity) await this.activity.touch(session, now);
      }
    }
    return { active: true, record };
  }

  async policyFor(clientId: string): Promise<Required<SessionValidationPolicy>> {
    return sessionValidationPolicy(await this.index.client(clientId));
  }
}
