import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HttpConfig, InjectConfig, SsfConfig } from '@app/common';
import { NotificationOutboxEntity, NotificationPayload, SecurityEventPayload, SsfOutboxRepository, SsfStreamEntity, SsfStreamStatus } from '@app/store';
import { deliveryTarget } from '../ssf.constants';
import { passesStoppedStream, SecurityEvent } from './security-events';

/**
 * Turns one event for one stream into its outbox row, as the stream's status says (SSF 1.0
 * §8.1.2): an enabled stream's SET is due now; a paused stream's is held (due only when the
 * retention ends, or sooner if the stream is enabled again), at most SSF_PAUSED_MAX_EVENTS of
 * them; a disabled stream gets none. A stream-updated event passes a stopped stream (§8.1.5).
 */
@Injectable()
export class SsfEventQueue {
  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    @InjectConfig('ssf') private readonly ssf: SsfConfig,
    private readonly outbox: SsfOutboxRepository,
  ) {}

  /** The row for `event` on `stream`, in `em`; null when the stream takes no event now. `session` feeds the admin API's view. */
  async row(stream: SsfStreamEntity, event: SecurityEvent, txn: string, now: number, em: EntityManager, session?: NotificationPayload): Promise<NotificationOutboxEntity | null> {
    const payload: SecurityEventPayload = { ...session, set: { aud: stream.clientId, txn, ...event } };
    const passes = passesStoppedStream(payload);
    if (stream.status === 'disabled' && !passes) return null;
    const held = stream.status === 'paused' && !passes;
    if (held) {
      if (this.ssf.pausedMaxEvents === 0) return null;
      await this.outbox.makeRoom(stream.id, this.ssf.pausedMaxEvents, em);
    }
    return {
      id: randomUUID(), ...deliveryTarget(this.http.issuer, stream), clientId: stream.clientId, streamId: stream.id,
      payload, status: 'pending', attempts: 0, nextAttemptAt: held ? now + this.retentionMs : now,
      leaseId: null, lastError: null, createdAt: now, deliveredAt: null,
    };
  }

  /** What a change of the stream's status (from `from`) does to the SETs it has waiting, in `em`. */
  async statusChanged(from: SsfStreamStatus, stream: Pick<SsfStreamEntity, 'id' | 'status'>, now: number, em: EntityManager): Promise<void> {
    if (stream.status === from) return;
    if (stream.status === 'enabled') await this.outbox.releaseHeld(stream.id, now, em);
    else if (stream.status === 'paused') await this.outbox.holdAll(stream.id, this.retentionMs, now, em);
    else await this.outbox.dropAll(stream.id, 'the stream was disabled', em);
  }

  get retentionMs(): number {
    return this.ssf.eventRetention * 1000;
  }
}
