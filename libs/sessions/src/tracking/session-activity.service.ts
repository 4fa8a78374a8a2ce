import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { idleTimeoutFor, InjectConfig, SessionConfig } from '@app/common';
import { SessionRepository, UserSessionEntity } from '@app/store';

/**
 * PingFederate writes an externally stored session only when less than 75% of its idle window
 * remains (Session Revocation API, GET): a burst of requests costs one write, not one each.
 */
export const ACTIVITY_WRITE_THRESHOLD = 0.75;

/** Sessions whose last write is remembered (oldest forgotten first); the store stays the truth. */
const WRITTEN_MAX = 10_000;

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
  /** Sessions whose extension this instance is writing: a concurrent request has nothing left to do. */
  private readonly writing = new Set<string>();
  /** Last activity this instance wrote, per session: a request that read the row just before still sees it. */
  private readonly written = new Map<string, { lastActivityAt: number; idleTimeout: number }>();

  constructor(@InjectConfig('sessions') private readonly sessionsConfig: SessionConfig, private readonly sessions: SessionRepository) {}

  idleTimeoutOf(session: Pick<UserSessionEntity, 'authnSource'>): number {
    return idleTimeoutFor(this.sessionsConfig, session.authnSource);
  }

  /** Not to be called inside Transactor.run() without passing its `em` (SQLite writes are queued one at a time). */
  async touch(session: UserSessionEntity, now = Date.now(), em?: EntityManager): Promise<ActivityOutcome> {
    if (!SessionRepository.isValid(session, now)) return 'invalid';
    const idleTimeout = this.idleTimeoutOf(session);
    const mine = this.written.get(session.id);
    const seen = mine && mine.lastActivityAt > session.lastActivityAt ? mine : session;
    if (!activityWriteDue(seen, idleTimeout, now) || this.writing.has(session.id)) return 'coalesced';
    this.writing.add(session.id);
    try {
      // Conditional on the row as read: of two instances extending at once, one writes.
      if (!(await this.sessions.recordActivity(session.id, session.lastActivityAt, now, idleTimeout, em))) return 'coalesced';
    } finally {
      this.writing.delete(session.id);
    }
    this.remember(session.id, { lastActivityAt: now, idleTimeout });
    session.lastActivityAt = now;
    session.idleTimeout = idleTimeout;
    return 'extended';
  }

  private remember(id: string, write: { lastActivityAt: number; idleTimeout: number }): void {
    this.written.delete(id);
    if (this.written.size >= WRITTEN_MAX) this.written.delete(this.written.keys().next().value as string);
    this.written.set(id, write);
  }
}
