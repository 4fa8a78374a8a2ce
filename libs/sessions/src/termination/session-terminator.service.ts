import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ClientRepository, EndedSessionRow, NotificationOutboxRepository, SessionRepository } from '@app/store';
import { EndedSession, SessionEvents } from '../events/session-events';
import { planNotifications } from '../notifications/notification-plan';
import { NotificationPlanners } from '../notifications/notification-planners';
import { AfterCommit } from './after-commit';
import { SessionEnding, SessionSelector } from './session-ending';

/**
 * The one place through which every session ending passes: end session, global token
 * revocation, an SRI put on the revocation list, the Session Management API, the admin API and
 * CLI. In the caller's transaction it marks the sessions revoked (through SessionRepository's
 * conditional UPDATEs, so of two concurrent revocations of a session exactly one ends it) and
 * queues a notification in the outbox for each receiver of each client that used them; once
 * that transaction commits it publishes `session.ended`. Nothing here waits on a receiver.
 */
@Injectable()
export class SessionTerminator {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly clients: ClientRepository,
    private readonly outbox: NotificationOutboxRepository,
    private readonly afterCommit: AfterCommit,
    private readonly events: SessionEvents,
    private readonly planners: NotificationPlanners,
  ) {}

  /** Ends the live sessions `selector` names, in the caller's transaction `em`; returns those it ended. */
  async end(selector: SessionSelector, ending: SessionEnding, em: EntityManager): Promise<EndedSession[]> {
    return this.notify((await this.revoke(selector, ending, em)).map(toEnded), ending, em);
  }

  /**
   * Marks ended up to `limit` live sessions of a user that its watermark (`ending.at`) has
   * already ended, and queues their notifications, in `em`: SessionWatermarkWorker's batch.
   * `selected` is how many live ones it found (a concurrent worker may have ended some of them).
   */
  async endUnderWatermark(userId: string, limit: number, ending: SessionEnding, em: EntityManager): Promise<{ selected: number; ended: EndedSession[] }> {
    const { selected, ended } = await this.sessions.revokeUnderWatermark(userId, ending.at, ending.reason, ending.by, limit, em);
    return { selected, ended: await this.notify(ended.map(toEnded), ending, em) };
  }

  private async notify(ended: EndedSession[], ending: SessionEnding, em: EntityManager): Promise<EndedSession[]> {
    if (ended.length === 0) return ended;
    const clientIds = [...new Set(ended.flatMap((s) => s.clientIds))];
    const rows = planNotifications(ended, await this.clients.findByIds(clientIds, em), ending);
    rows.push(...(await this.planners.plan(ended, ending, em)));
    await this.outbox.add(rows, em);
    this.afterCommit.run(em, () => this.events.emit('session.ended', { sessions: ended, ...ending, notifications: rows.length }));
    return ended;
  }

  private async revoke(selector: SessionSelector, { reason, by, at }: SessionEnding, em: EntityManager): Promise<EndedSessionRow[]> {
    // Every session of a user: the UPDATE returns them (a user may hold thousands).
    if ('userId' in selector) return this.sessions.revokeAllOfUser(selector.userId, reason, by, at, em, selector.onlyUnsealed ?? false);
    if ('sri' in selector) {
      return (await this.sessions.revokeBySri(selector.sri, reason, by, at, em)) ? this.sessions.listEndedIn({ sri: selector.sri }, em) : [];
    }
    return (await this.sessions.revoke(selector.id, reason, by, em)) ? this.sessions.listEndedIn({ id: selector.id }, em) : [];
  }
}

const toEnded = (s: EndedSessionRow): EndedSession => ({ id: s.id, sri: s.sri, userId: s.userId, clientIds: [...s.clientIds] });
