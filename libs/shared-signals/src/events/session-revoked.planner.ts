import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HttpConfig, InjectConfig } from '@app/common';
import { EndedSession, NotificationPlanners, SessionEnding } from '@app/sessions';
import { NotificationOutboxEntity, SsfStreamRepository, UserRepository } from '@app/store';
import { SESSION_REVOKED_EVENT } from '../ssf.constants';
import { eventsDelivered } from '../streams/stream-config';
import { removedFrom, SubjectIdentifier } from '../subjects/subject-identifiers';
import { sessionRevokedEvent } from './security-events';
import { SsfEventQueue } from './ssf-event-queue.service';

/**
 * Every session ending (SessionTerminator: end session, global token revocation, the Session
 * Management API, the admin API and CLI) becomes a CAEP session-revoked SET on each live stream
 * of each client that used the session, whose `events_delivered` has the event and which has not
 * removed the subject. Streams hold every subject by default (`default_subjects: ALL`); a
 * receiver only hears of sessions its own client took part in. The rows commit with the ending.
 */
@Injectable()
export class SessionRevokedPlanner implements OnModuleInit {
  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    private readonly planners: NotificationPlanners,
    private readonly streams: SsfStreamRepository,
    private readonly users: UserRepository,
    private readonly queue: SsfEventQueue,
  ) {}

  onModuleInit(): void {
    this.planners.register((sessions, ending, em) => this.plan(sessions, ending, em));
  }

  async plan(sessions: EndedSession[], ending: SessionEnding, em: EntityManager): Promise<NotificationOutboxEntity[]> {
    const clientIds = [...new Set(sessions.flatMap((s) => s.clientIds))];
    const streams = (await this.streams.listLive(clientIds, em)).filter((s) => eventsDelivered(s).includes(SESSION_REVOKED_EVENT));
    if (streams.length === 0) return [];
    const removed = await this.streams.removedSubjects(streams.map((s) => s.id), em);
    const byEmail = [...removed.values()].some((list) => list.some((s) => JSON.stringify(s).includes('"email"')));
    const rows: NotificationOutboxEntity[] = [];
    for (const session of sessions) {
      const event = sessionRevokedEvent(this.http.issuer, { userId: session.userId, sessionId: session.id, at: ending.at, initiatingEntity: ending.initiatingEntity, reason: ending.reason });
      // The user may be named by email too: a receiver that removed that email hears nothing of them.
      const names = [event.sub_id, ...(byEmail ? await this.emailNames(event.sub_id, session.userId) : [])];
      const details = { sub: session.userId, sid: session.id, event_timestamp: Math.floor(ending.at / 1000), initiating_entity: ending.initiatingEntity, reason: ending.reason };
      // One txn per ending session, shared by the SETs that announce it on every stream (SSF 1.0 §4.1.8).
      const txn = randomUUID();
      for (const stream of streams) {
        if (!session.clientIds.includes(stream.clientId) || removedFrom(stream.id, removed, names)) continue;
        const row = await this.queue.row(stream, event, txn, ending.at, em, details);
        if (row) rows.push(row);
      }
    }
    return rows;
  }

  private async emailNames(subject: SubjectIdentifier, userId: string): Promise<SubjectIdentifier[]> {
    const email = (await this.users.attributesOf(userId)).email;
    return email ? [{ ...subject, user: { format: 'email', email } }] : [];
  }
}
