import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NotificationOutboxEntity } from '@app/store';
import type { EndedSession } from '../events/session-events';
import type { SessionEnding } from '../termination/session-ending';

/** Adds outbox rows for sessions that just ended, in the transaction `em` that ends them. */
export type NotificationPlanner = (sessions: EndedSession[], ending: SessionEnding, em: EntityManager) => Promise<NotificationOutboxEntity[]>;

/**
 * The receivers other modules add to every session ending (the Shared Signals streams), next to
 * the clients' own back-channel logout and CAEP receivers. SessionTerminator asks each planner
 * in the ending's transaction, so their rows commit or roll back with it.
 */
@Injectable()
export class NotificationPlanners {
  private readonly planners: NotificationPlanner[] = [];

  /** Adds a planner; the returned function removes it. */
  register(planner: NotificationPlanner): () => void {
    this.planners.push(planner);
    return () => {
      const i = this.planners.indexOf(planner);
      if (i >= 0) this.planners.splice(i, 1);
    };
  }

  async plan(sessions: EndedSession[], ending: SessionEnding, em: EntityManager): Promise<NotificationOutboxEntity[]> {
    const rows: NotificationOutboxEntity[] = [];
    for (const planner of this.planners) rows.push(...(await planner(sessions, ending, em)));
    return rows;
  }
}
