import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { invalidRequest } from '@app/common';
import { NotificationOutboxRepository, SsfStreamEntity, SsfStreamRepository, SsfStreamStatus, Transactor } from '@app/store';
import { DeliverySignals } from '../delivery/delivery-signals.service';
import { streamUpdatedEvent } from '../events/security-events';
import { SsfEventQueue } from '../events/ssf-event-queue.service';
import { jsonObject, optionalString, requiredStreamId } from './request-body';
import { noStream, SsfStreamService } from './stream.service';

const STATUSES: SsfStreamStatus[] = ['enabled', 'paused', 'disabled'];
const REASON_MAX = 255;

export interface StreamStatusView {
  stream_id: string;
  status: SsfStreamStatus;
  reason?: string;
}

/**
 * Stream status (SSF 1.0 §8.1.2). `enabled` transmits; `paused` holds the stream's SETs
 * (SSF_PAUSED_MAX_EVENTS at most, each for SSF_EVENT_RETENTION at most) and sends them when it is
 * enabled again; `disabled` drops them and holds none. When the server itself changes a status, it
 * tells the receiver with a stream-updated event (§8.1.5), which passes the stopped stream.
 */
@Injectable()
export class SsfStreamStatusService {
  private readonly logger = new Logger('SharedSignals');

  constructor(
    private readonly streams: SsfStreamRepository,
    private readonly configs: SsfStreamService,
    private readonly outbox: NotificationOutboxRepository,
    private readonly queue: SsfEventQueue,
    private readonly signals: DeliverySignals,
    private readonly tx: Transactor,
  ) {}

  /** §8.1.2.1 */
  async read(clientId: string, streamId: string | undefined): Promise<StreamStatusView> {
    const stream = await this.configs.find(clientId, requiredStreamId(streamId));
    await this.configs.touch(stream);
    return statusView(stream);
  }

  /** §8.1.2.2: the receiver's own change; no stream-updated event for it. */
  async update(clientId: string, body: unknown): Promise<StreamStatusView> {
    const b = jsonObject(body);
    const id = requiredStreamId(b.stream_id);
    if (!STATUSES.includes(b.status as SsfStreamStatus)) throw invalidRequest(`status must be one of ${STATUSES.join(', ')}.`);
    const status = b.status as SsfStreamStatus;
    const reason = optionalString(b, 'reason', REASON_MAX) ?? null;
    const stream = await this.configs.find(clientId, id);
    const now = Date.now();
    await this.tx.run(async (em) => {
      if (!(await this.streams.update(clientId, id, { status, statusReason: reason, lastActivityAt: now, updatedAt: now }, em))) throw noStream(id);
      await this.queue.statusChanged(stream.status, { ...stream, status }, now, em);
    });
    this.signals.queued();
    return statusView({ ...stream, status, statusReason: reason });
  }

  /**
   * The server pauses or disables a stream itself (the receiver was inactive): the stream-updated
   * event is queued in the same transaction, before the stream stops (§8.1.5). False when the
   * stream changed meanwhile (the receiver came back, or deleted it).
   */
  async changeByTransmitter(stream: SsfStreamEntity, status: SsfStreamStatus, reason: string, quietSince: number): Promise<boolean> {
    const now = Date.now();
    const changed = await this.tx.run(async (em) => {
      if (!(await this.streams.setStatusIfInactive(stream.id, stream.status, quietSince, status, reason, now, em))) return false;
      await this.queue.statusChanged(stream.status, { ...stream, status }, now, em);
      const row = await this.queue.row({ ...stream, status }, streamUpdatedEvent(stream.id, status, reason), randomUUID(), now, em);
      if (row) await this.outbox.add([row], em);
      return true;
    });
    if (changed) {
      this.logger.log(`Stream ${stream.id} of client ${stream.clientId} is now ${status}: ${reason}`);
      this.signals.queued();
    }
    return changed;
  }
}

function statusView(s: Pick<SsfStreamEntity, 'id' | 'status' | 'statusReason'>): StreamStatusView {
  return { stream_id: s.id, status: s.status, ...(s.statusReason ? { reason: s.statusReason } : {}) };
}
