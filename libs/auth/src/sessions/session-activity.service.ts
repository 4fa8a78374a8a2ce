import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig, idleTimeoutFor } from '@app/common';
import { SessionRepository, UserSessionEntity } from '@app/store';

/**
 * PingFederate writes an externally stored session only when less than 75% of its idle window
 * remains (Session Revocation API, GET): a burst of requests costs one write, not one each.
 */
export const ACTIVITY_WRITE_THRESHOLD = 0.75;

export type ActivityOutcome = 'extended' | 'coalesced' | 'invalid';

/** Whether recording activity at `now` must write the store, for a session whose idle timeout should be `idleTimeout` seconds. */
export function activityWriteDue(session: Pick<UserSessionEntity, 'lastActivityAt' | 'idleTimeout'>, idleTimeout: number, now: number): boolean {
  if (session.idleTimeout !== idleTimeout) return true;
  const remainingMs = session.lastActivityAt + session.idleTimeout * 1000 - now;
  return remainingMs < ACTIVITY_WRITE_THRESHOLD * idleTimeout * 1000;
}

/**
 * Extends a valid session by its idle timeout: the global one, or the override of the
 * session's authentication source, which takes precedence. An idle-expired, revoked or
 * too old session is left as it is: activity never revives it.
 */
@Injectable()
export class SessionActivityService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly sessions: SessionRepository) {}

  idleTimeoutOf(session: Pick<UserSessionEntity, 'authnSource'>): number {
    return idleTimeoutFor(this.config, session.authnSource);
  }

  /** Not to be called inside Transactor.run() without passing its `em` (SQLite writes are queued one at a time). */
  async touch(session: UserSessionEntity, now = Date.now(), em?: EntityManager): Promise<ActivityOutcome> {
    if (!SessionRepository.isValid(session, now)) return 'invalid';
    const idleTimeout = this.idleTimeoutOf(session);
    if (!activityWriteDue(session, idleTimeout, now)) return 'coalesced';
    // Conditional on the row as read: of two concurrent extensions one writes, the other had nothing left to do.
    if (!(await this.sessions.recordActivity(session.id, session.lastActivityAt, now, idleTimeout, em))) return 'coalesced';
    session.lastActivityAt = now;
    session.idleTimeout = idleTimeout;
    return 'extended';
  }
}
