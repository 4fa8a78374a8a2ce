import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { GlobalRevocationHooks, SessionEvents, SessionTerminator } from '@app/sessions';
import { InitiatingEntity, RevokedSriRepository, SessionRepository, Transactor, WatermarkRepository } from '@app/store';
import { GlobalRevocationEvents } from './global-revocation-events';
import { GLOBAL_REVOCATION_REASON } from './revocation.constants';
import { SubjectIdentifier, USER_DIRECTORY, UserDirectory } from '@app/users';

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
  /**
   * Sessions ended in the revocation's own transaction: those whose SRI is not sealed (started by
   * an earlier version). The others end with the watermark, uncounted (counting them would cost a
   * read per session); SessionWatermarkWorker marks them just after. revokeUser counts them all.
   */
  sessionsRevoked: number;
}

/** The revocation did not commit; nothing of it was applied. */
export class RevocationIncompleteError extends Error {
  constructor(cause: unknown) {
    super(`Global token revocation rolled back: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Revokes everything a user holds, at a cost that grows neither with the number of tokens nor
 * with the number of sessions: in one transaction it raises the user's "valid after" watermark,
 * which ends every access token, refresh token and code issued, and every session started, at
 * or before now (every reader of tokens and sessions compares with it; a sealed SRI of such a
 * session answers as listed, RevocationIndex). The session rows are marked, their SRIs listed
 * and their clients notified right after, by SessionWatermarkWorker, in batches outside the
 * request. Sessions whose SRI is not sealed (started by an earlier version) are still ended and
 * listed in the transaction: nothing but their row can answer for them. It returns only after
 * the commit, so an answer sent afterwards is durable.
 */
@Injectable()
export class GlobalRevocationService {
  private readonly logger = new Logger('GlobalTokenRevocation');

  constructor(
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    private readonly watermarks: WatermarkRepository,
    private readonly revokedSris: RevokedSriRepository,
    private readonly terminator: SessionTerminator,
    private readonly sessions: SessionRepository,
    private readonly tx: Transactor,
    @Optional() @Inject(GLOBAL_REVOCATION_INITIATOR) private readonly initiatingEntity?: InitiatingEntity,
    @Optional() private readonly events?: SessionEvents,
    @Optional() private readonly outcomes?: GlobalRevocationEvents,
    @Optional() private readonly hooks?: GlobalRevocationHooks,
  ) {}

  /** `caller` (a client id) is recorded on the revoked sessions and the SRI list. */
  async revoke(subject: SubjectIdentifier, caller: string): Promise<GlobalRevocationResult> {
    const { user, matches } = await this.users.resolveSubject(subject);
    if (!user) {
      // The format and caller only: the subject's value (an e-mail, a phone number) stays out of the log.
      this.logger.warn(`A global revocation by ${caller} named no user (${subject.kind} subject); nothing was revoked.`);
      this.outcomes?.emit('subject.unmatched', { format: subject.kind, caller });
      return { userId: null, matches, sessionsRevoked: 0 };
    }
    // The request's txn: its completion receipt (a Shared Signals SET) repeats it.
    const sessionsRevoked = await this.apply(user.id, caller, false, { txn: randomUUID(), subject });
    return { userId: user.id, matches, sessionsRevoked };
  }

  /**
   * Revokes every token and session of `userId`; repeating it is harmless. Returns how many live
   * sessions it ended, counted in the transaction (the CLI reports it; the endpoint does not pay for it).
   */
  revokeUser(userId: string, caller: string): Promise<number> {
    return this.apply(userId, caller, true);
  }

  private async apply(userId: string, caller: string, countSessions: boolean, request?: { txn: string; subject: SubjectIdentifier }): Promise<number> {
    const initiatingEntity = this.initiatingEntity ?? 'policy';
    const at = Date.now();
    const reason = `${GLOBAL_REVOCATION_REASON} by ${caller}`.slice(0, 255);
    let sessionsEnded: number;
    try {
      sessionsEnded = await this.tx.run(async (em) => {
        const live = countSessions ? await this.sessions.countLiveOfUser(userId, em) : 0;
        await this.watermarks.raise(userId, at, reason, em, { reason: GLOBAL_REVOCATION_REASON, by: caller, initiatingEntity });
        if (request) await this.hooks?.accepted({ ...request, userId, caller, at, initiatingEntity }, em);
        const ended = await this.terminator.end({ userId, onlyUnsealed: true }, { reason: GLOBAL_REVOCATION_REASON, by: caller, at, initiatingEntity }, em);
        // The SRIs of exactly the sessions just ended (revoked at `at`), so this comes after.
        if (ended.length > 0) await this.revokedSris.listSessionsEndedAt(userId, at, caller, em);
        return countSessions ? live : ended.length;
      });
    } catch (err) {
      throw new RevocationIncompleteError(err);
    }
    // A sign-in after the answer must start after the watermark (sessions and tokens of its
    // millisecond count as revoked): the answer waits for the clock to pass it, rarely needed.
    while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, 1));
    // After the commit only; listeners cannot fail or undo it (TypedEvents keeps their errors).
    // SessionWatermarkWorker starts marking the sessions on it.
    this.events?.emit('user.revoked', { userId, reason: GLOBAL_REVOCATION_REASON, by: caller, at, initiatingEntity, sessionsEnded });
    return sessionsEnded;
  }
}
