import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/common';
import { SessionEvents, SessionTerminator } from '@app/sessions';
import { InitiatingEntity, RevokedSriRepository, Transactor, WatermarkRepository } from '@app/store';
import { GLOBAL_REVOCATION_REASON } from './revocation.constants';
import { SubjectIdentifier } from './subject/sub-id';
import { SubjectResolver } from './subject/subject-resolver.service';

/**
 * What CAEP receivers hear as the `initiating_entity` of a global revocation: `policy` (a
 * security system calling the endpoint) unless the host provides another, as the admin CLI
 * does (`admin`).
 */
export const GLOBAL_REVOCATION_INITIATOR = Symbol('GLOBAL_REVOCATION_INITIATOR');

export interface GlobalRevocationResult {
  /** The user whose tokens and sessions were revoked; null when the sub_id matched nobody. */
  userId: string | null;
  /** How many users the sub_id matched; only the first was affected. */
  matches: number;
  /** Sessions that were live and are now revoked. */
  sessionsRevoked: number;
}

/** The revocation did not commit; nothing of it was applied. */
export class RevocationIncompleteError extends Error {
  constructor(cause: unknown) {
    super(`Global token revocation rolled back: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Revokes everything a user holds, at a cost that does not grow with the number of tokens:
 * in one transaction it raises the user's "valid after" watermark (every access token, refresh
 * token and code issued until now fails at introspection and refresh), lists the SRI of each
 * live session on the session revocation list, and ends those sessions (SessionTerminator: one
 * UPDATE … RETURNING, and the notifications of their clients queued in the same transaction). It returns
 * only after the commit, so an answer sent afterwards is durable.
 */
@Injectable()
export class GlobalRevocationService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly resolver: SubjectResolver,
    private readonly watermarks: WatermarkRepository,
    private readonly revokedSris: RevokedSriRepository,
    private readonly terminator: SessionTerminator,
    private readonly tx: Transactor,
    @Optional() @Inject(GLOBAL_REVOCATION_INITIATOR) private readonly initiatingEntity?: InitiatingEntity,
    @Optional() private readonly events?: SessionEvents,
  ) {}

  /** `caller` (a client id) is recorded on the revoked sessions and the SRI list. */
  async revoke(subject: SubjectIdentifier, caller: string): Promise<GlobalRevocationResult> {
    const { user, matches } = await this.resolver.resolve(subject);
    if (!user) return { userId: null, matches, sessionsRevoked: 0 };
    const sessionsRevoked = await this.revokeUser(user.id, caller);
    return { userId: user.id, matches, sessionsRevoked };
  }

  /** Revokes every token and session of `userId`; repeating it is harmless. */
  async revokeUser(userId: string, caller: string): Promise<number> {
    const initiatingEntity = this.initiatingEntity ?? 'policy';
    const at = Date.now();
    const sriExpiresAt = at + this.config.sessionRevocationLifetime * 60_000;
    const reason = `${GLOBAL_REVOCATION_REASON} by ${caller}`.slice(0, 255);
    let sessionsEnded: number;
    try {
      sessionsEnded = await this.tx.run(async (em) => {
        await this.watermarks.raise(userId, at, reason, em);
        const ended = await this.terminator.end({ userId }, { reason: GLOBAL_REVOCATION_REASON, by: caller, at, initiatingEntity }, em);
        // The SRIs of exactly the sessions just ended (revoked at `at`), so this comes after.
        await this.revokedSris.listSessionsEndedAt(userId, at, caller, sriExpiresAt, em);
        return ended.length;
      });
    } catch (err) {
      throw new RevocationIncompleteError(err);
    }
    // After the commit only; listeners cannot fail or undo it (TypedEvents keeps their errors).
    this.events?.emit('user.revoked', { userId, reason: GLOBAL_REVOCATION_REASON, by: caller, at, initiatingEntity, sessionsEnded });
    return sessionsEnded;
  }
}
