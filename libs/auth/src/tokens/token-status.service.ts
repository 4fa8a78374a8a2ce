import { Injectable } from '@nestjs/common';
import {
  ClientRepository, IssuedTokenEntity, RevokedSriRepository, SessionRepository, SessionValidationPolicy, TokenRepository, WatermarkRepository,
} from '@app/store';

/** Server default for PingFederate's session validation settings; `check_session_revocation_status` is on here. */
export const DEFAULT_SESSION_VALIDATION: Required<SessionValidationPolicy> = {
  include_session_id: true,
  check_session_revocation_status: true,
  check_valid_authn_session: false,
  update_authn_session_activity: false,
};

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
  ) {}

  async check(id: string, now = Date.now()): Promise<TokenState> {
    const record = await this.tokens.findById(id);
    if (!record) return { active: false, reason: 'unknown' };
    return this.checkRecord(record, now);
  }

  async checkRecord(record: IssuedTokenEntity, now = Date.now()): Promise<TokenState> {
    if (record.revokedAt !== null) return { active: false, reason: 'revoked' };
    if (record.expiresAt <= now) return { active: false, reason: 'expired' };
    if (record.userId) {
      const validAfter = await this.watermarks.validAfter(record.userId);
      if (record.issuedAt <= validAfter) return { active: false, reason: 'user_revoked' };
    }
    if (record.sessionId) {
      const session = await this.sessions.findById(record.sessionId);
      if (!session || session.revokedAt !== null) return { active: false, reason: 'session_revoked' };
      const policy = await this.policyFor(record.clientId);
      if (policy.check_session_revocation_status && (await this.revokedSris.findListed(session.sri, now))) {
        return { active: false, reason: 'sri_revoked' };
      }
      if (policy.check_valid_authn_session && !SessionRepository.isValid(session, now)) return { active: false, reason: 'session_expired' };
    }
    return { active: true, record };
  }

  async policyFor(clientId: string): Promise<Required<SessionValidationPolicy>> {
    const client = await this.clients.findById(clientId);
    return { ...DEFAULT_SESSION_VALIDATION, ...(client?.sessionValidation ?? {}) };
  }
}
