import { Injectable } from '@nestjs/common';
import {
  ClientEntity, ClientRepository, IssuedTokenEntity, RevokedSriRepository, SessionRepository, SessionValidationPolicy, TokenRepository, WatermarkRepository,
} from '@app/store';
import { SessionActivityService } from '../sessions/session-activity.service';

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
    private readonly clients: ClientRepository,
    private readonly activity: SessionActivityService,
  ) {}

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
    return sessionValidationPolicy(await this.clients.findById(clientId));
  }
}
