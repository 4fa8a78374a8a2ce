import { Injectable } from '@nestjs/common';
import { RevocationIndex, SESSION_ENDED_BY_SRI_LIST } from '@app/auth';
import { SessionActivityService, SessionTerminator } from '@app/sessions';
import { InitiatingEntity, RevokedSriRepository, SessionRepository, Transactor } from '@app/store';
import { RevocationListPurger } from './revocation-list-purger.service';

/**
 * The session revocation list. Listing an SRI ends its session in the same transaction (it can
 * no longer be used to sign in silently); the tokens bound to it then follow their client's
 * session validation policy (TokenStatusService).
 */
@Injectable()
export class RevocationListService {
  constructor(
    private readonly list: RevokedSriRepository,
    private readonly sessions: SessionRepository,
    private readonly terminator: SessionTerminator,
    private readonly activity: SessionActivityService,
    private readonly purger: RevocationListPurger,
    private readonly tx: Transactor,
    private readonly index: RevocationIndex,
  ) {}

  /**
   * Lists an SRI, known to this server or not (as PingFederate accepts any), and ends its
   * session if there is one. `initiatingEntity`: `system` for the Session Revocation API's
   * callers, `admin` for the Session Management API.
   */
  async revoke(sri: string, revokedBy: string, now = Date.now(), initiatingEntity: InitiatingEntity = 'system'): Promise<void> {
    await this.tx.run(async (em) => {
      await this.list.add({ sri, createdAt: now, revokedBy }, em);
      await this.terminator.end({ sri }, { reason: SESSION_ENDED_BY_SRI_LIST, by: revokedBy, at: now, initiatingEntity }, em);
    });
    this.purger.added(1);
  }

  /** Lists the SRI of every live session of these users and ends those sessions, in one transaction. Returns how many ended. */
  async revokeSessionsOfUsers(userIds: string[], revokedBy: string, now = Date.now(), initiatingEntity: InitiatingEntity = 'admin'): Promise<number> {
    if (userIds.length === 0) return 0;
    const ended = await this.tx.run(async (em) => {
      let count = 0;
      for (const userId of userIds) {
        count += (await this.terminator.end({ userId }, { reason: SESSION_ENDED_BY_SRI_LIST, by: revokedBy, at: now, initiatingEntity }, em)).length;
        await this.list.listSessionsEndedAt(userId, now, revokedBy, em);
      }
      return count;
    });
    this.purger.added(ended);
    return ended;
  }

  /**
   * Whether the SRI is revoked: listed, or its session ended within the list's lifetime (see
   * RevocationIndex.isSriRevoked). When it is not and `updateActivityTime` holds, its session (if
   * valid) is extended by its idle timeout; the store is written only when less than 75% of the
   * idle window remains, and an idle-expired session is not revived.
   */
  async isRevoked(sri: string, updateActivityTime: boolean, now = Date.now()): Promise<boolean> {
    // The hot path: answered from memory while the index is current, from the store otherwise.
    // Either way an ended session's SRI answers revoked, listed or not (purged early, never listed).
    const revoked = this.index.isFresh(now) ? this.index.isSriRevoked(sri, now) : await this.list.isRevoked(sri, now);
    if (revoked) return true;
    if (updateActivityTime) {
      const session = await this.sessions.findBySri(sri);
      if (session) await this.activity.touch(session, now);
    }
    return false;
  }
}
