import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HttpConfig, InjectConfig } from '@app/common';
import { AcceptedGlobalRevocation, GlobalRevocationHooks, WatermarkSessionsEnded } from '@app/sessions';
import { NotificationOutboxEntity, NotificationOutboxRepository, RevocationReceiptEntity, RevocationReceiptRepository, SsfStreamEntity, SsfStreamRepository } from '@app/store';
import type { SubjectIdentifier as RequestSubject } from '@app/users';
import { SESSION_REVOKED_EVENT } from '../ssf.constants';
import { eventsDelivered } from '../streams/stream-config';
import { removedFrom } from '../subjects/subject-identifiers';
import { SecurityEvent } from './security-events';
import { SsfEventQueue } from './ssf-event-queue.service';

/**
 * The completion receipt of a global token revocation (docs/global-token-revocation.md,
 * "Completion receipt"). The endpoint's 204 says the revocation has begun; once every session
 * of the user has ended, on whichever instance marks them, the caller hears it through one CAEP
 * session-revoked SET per stream of its own that delivers that event: the user as the caller
 * named them, no `session` member (it is about all of them), and the request's `txn`.
 *
 * The request is remembered in its own transaction, only when the caller has such a stream
 * then; the receipt is queued in the transaction that records the watermark done, by whichever
 * instance takes the remembered row (RevocationReceiptRepository.take), so it is queued once.
 */
@Injectable()
export class RevocationReceiptPlanner implements OnModuleInit {
  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    private readonly hooks: GlobalRevocationHooks,
    private readonly receipts: RevocationReceiptRepository,
    private readonly streams: SsfStreamRepository,
    private readonly queue: SsfEventQueue,
    private readonly outbox: NotificationOutboxRepository,
  ) {}

  onModuleInit(): void {
    this.hooks.onAccepted((r, em) => this.remember(r, em));
    this.hooks.onSessionsEnded((w, em) => this.send(w, em));
  }

  async remember(r: AcceptedGlobalRevocation, em: EntityManager): Promise<void> {
    if ((await this.receiverStreams(r.caller, em)).length === 0) return;
    await this.receipts.add({
      txn: r.txn, userId: r.userId, clientId: r.caller, validAfter: r.at,
      userSubject: receiptUser(r.subject, r.userId), initiatingEntity: r.initiatingEntity, createdAt: Date.now(),
    }, em);
  }

  async send(w: WatermarkSessionsEnded, em: EntityManager): Promise<void> {
    const rows: NotificationOutboxEntity[] = [];
    const now = Date.now();
    for (const receipt of await this.receipts.dueFor(w.userId, w.validAfter, em)) {
      if (!(await this.receipts.take(receipt.txn, em))) continue;
      // Streams as they are now: one deleted, disabled or no longer delivering the event since the request gets nothing.
      const streams = await this.receiverStreams(receipt.clientId, em);
      if (streams.length === 0) continue;
      const event = receiptEvent(receipt, w.validAfter);
      const removed = await this.streams.removedSubjects(streams.map((s) => s.id), em);
      for (const stream of streams) {
        if (removedFrom(stream.id, removed, [event.sub_id])) continue;
        const row = await this.queue.row(stream, event, receipt.txn, now, em);
        if (row) rows.push(row);
      }
    }
    if (rows.length > 0) await this.outbox.add(rows, em);
  }

  private async receiverStreams(clientId: string, em: EntityManager): Promise<SsfStreamEntity[]> {
    return (await this.streams.listLive([clientId], em)).filter((s) => eventsDelivered(s).includes(SESSION_REVOKED_EVENT));
  }
}

/** The user in the format the caller named them where a SET subject has it (email, iss_sub), else the user's id (opaque). */
export function receiptUser(subject: RequestSubject, userId: string): Record<string, string> {
  if (subject.kind === 'email') return { format: 'email', email: subject.email };
  if (subject.kind === 'iss_sub') return { format: 'iss_sub', iss: subject.iss, sub: subject.sub };
  return { format: 'opaque', id: userId };
}

/**
 * CAEP 1.0 §3.1 session revoked about every session of the user. `event_timestamp` is the
 * watermark the worker recorded done: every session it ended is recorded as ended then.
 */
export function receiptEvent(receipt: Pick<RevocationReceiptEntity, 'clientId' | 'userSubject' | 'initiatingEntity'>, endedAt: number): SecurityEvent {
  return {
    sub_id: { format: 'complex', user: receipt.userSubject },
    events: {
      [SESSION_REVOKED_EVENT]: {
        event_timestamp: Math.floor(endedAt / 1000),
        initiating_entity: receipt.initiatingEntity,
        reason_admin: { en: `Global token revocation requested by ${receipt.clientId} completed: every session of the user has ended` },
      },
    },
  };
}
