import {
  IssuedTokenEntity, RevokedSriRepository, SessionRepository, SessionValidationPolicy, UserSessionEntity, UserSuspensionRepository, WatermarkRepository,
} from '@app/store';
import { RevocationFacts } from './revocation-facts';
import { DEFAULT_SESSION_VALIDATION, SESSION_ENDED_BY_SRI_LIST } from './revocation-rules';

/** Where StoreRevocationFacts reads. */
export interface RevocationFactSources {
  watermarks: Pick<WatermarkRepository, 'validAfter'>;
  sessions: Pick<SessionRepository, 'findById'>;
  revokedSris: Pick<RevokedSriRepository, 'findListed'>;
  suspensions: Pick<UserSuspensionRepository, 'isSuspended'>;
}

/** `revoked_reason` a session the store does not hold answers with: it counts as ended. */
const SESSION_NOT_FOUND = 'session_not_found';

/**
 * The revocation facts of one token record, read from the store (the path taken when the
 * in-memory index is not current, or needs more than it knows). Each fact is read only when
 * revocationState can still ask for it; the answers are for this record's token, user and session.
 */
export class StoreRevocationFacts implements RevocationFacts {
  private constructor(
    private readonly record: IssuedTokenEntity,
    private readonly validAfter: number,
    /** The record's session; null when the store has no such session, undefined when not read. */
    readonly session: UserSessionEntity | null | undefined,
    /** The client's policy, read only when the token has a session (the server default otherwise). */
    readonly policy: Required<SessionValidationPolicy>,
    private readonly listed: boolean,
    private readonly suspended = false,
  ) {}

  static async load(
    sources: RevocationFactSources, record: IssuedTokenEntity, now: number, policyOf: (clientId: string) => Promise<Required<SessionValidationPolicy>>,
  ): Promise<StoreRevocationFacts> {
    let validAfter = 0;
    let suspended = false;
    if (record.revokedAt !== null || record.expiresAt <= now) return new StoreRevocationFacts(record, validAfter, undefined, DEFAULT_SESSION_VALIDATION, false);
    if (record.userId) [validAfter, suspended] = await Promise.all([sources.watermarks.validAfter(record.userId), sources.suspensions.isSuspended(record.userId)]);
    if (!record.sessionId || (record.userId && record.issuedAt <= validAfter)) {
      return new StoreRevocationFacts(record, validAfter, undefined, DEFAULT_SESSION_VALIDATION, false, suspended);
    }
    const session = await sources.sessions.findById(record.sessionId);
    if (!session || session.createdAt <= validAfter) return new StoreRevocationFacts(record, validAfter, session, DEFAULT_SESSION_VALIDATION, false, suspended);
    if (session.revokedAt !== null && session.revokedReason !== SESSION_ENDED_BY_SRI_LIST) {
      return new StoreRevocationFacts(record, validAfter, session, DEFAULT_SESSION_VALIDATION, false, suspended);
    }
    const policy = await policyOf(record.clientId);
    const listed = policy.check_session_revocation_status && session.revokedAt === null && (await sources.revokedSris.findListed(session.sri, now)) !== null;
    return new StoreRevocationFacts(record, validAfter, session, policy, listed, suspended);
  }

  isTokenRevoked(): boolean {
    return this.record.revokedAt !== null;
  }

  watermarkOf(): number {
    return this.validAfter;
  }

  /** A session the store does not hold never started as far as a watermark goes (and has ended: sessionEndReason). */
  sessionStartOf(): number | undefined {
    return this.session === null ? Infinity : this.session?.createdAt;
  }

  sessionEndReason(): string | undefined {
    if (this.session === null) return SESSION_NOT_FOUND;
    return this.session && this.session.revokedAt !== null ? this.session.revokedReason ?? 'revoked' : undefined;
  }

  isSriListed(): boolean {
    return this.listed;
  }

  isUserSuspended(): boolean {
    return this.suspended;
  }
}
