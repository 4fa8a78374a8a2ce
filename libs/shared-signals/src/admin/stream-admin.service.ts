import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { notFound } from '@app/common';
import { NotificationOutboxRepository, SsfOutboxRepository, SsfStreamEntity, SsfStreamRepository, SsfStreamStatus, Transactor } from '@app/store';
import { streamUpdatedEvent } from '../events/security-events';
import { SsfEventQueue } from '../events/ssf-event-queue.service';
import { eventsDelivered } from '../streams/stream-config';

/** One stream as administrators see it: its configuration and how its deliveries stand. */
export interface StreamAdminView {
  stream_id: string;
  client_id: string;
  delivery_method: string;
  endpoint_url: string | null;
  events_delivered: string[];
  description: string | null;
  status: SsfStreamStatus;
  status_reason: string | null;
  caep_receiver_uri_shortcut: boolean;
  pending: number;
  failed: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * Stream administration (admin API `/admin/ssf/streams`, CLI `streams`): list streams with their
 * delivery state, pause and resume one, delete one, send its failed SETs again. Pausing or
 * resuming is the transmitter's change, so the receiver gets a stream-updated event (SSF 1.0
 * §8.1.5), queued before the stream stops. The push worker and long polls pick changes up within
 * their rounds.
 */
@Injectable()
export class SsfStreamAdminService {
  private readonly logger = new Logger('SharedSignals');

  constructor(
    private readonly streams: SsfStreamRepository,
    private readonly outbox: NotificationOutboxRepository,
    private readonly ssfOutbox: SsfOutboxRepository,
    private readonly queue: SsfEventQueue,
    private readonly tx: Transactor,
  ) {}

  async list(limit: number, offset: number, clientId?: string): Promise<StreamAdminView[]> {
    const streams = await this.streams.listAll(limit, offset, clientId);
    const state = await this.ssfOutbox.deliveryState(streams.map((s) => s.id));
    return streams.map((s) => adminView(s, state.get(s.id)!));
  }

  async get(streamId: string): Promise<StreamAdminView> {
    const stream = await this.find(streamId);
    return adminView(stream, (await this.ssfOutbox.deliveryState([stream.id])).get(stream.id)!);
  }

  /** Pauses (`paused`: SETs held) or resumes (`enabled`: held SETs sent) the stream; the same status again changes nothing. */
  async setStatus(streamId: string, status: Extract<SsfStreamStatus, 'enabled' | 'paused'>): Promise<StreamAdminView> {
    const stream = await this.find(streamId);
    if (stream.status !== status) {
      const reason = status === 'paused' ? 'Paused by the transmitter\'s administrator' : 'Resumed by the transmitter\'s administrator';
      const now = Date.now();
      await this.tx.run(async (em) => {
        if (!(await this.streams.update(stream.clientId, stream.id, { status, statusReason: reason, updatedAt: now }, em))) throw noSuchStream(stream.id);
        await this.queue.statusChanged(stream.status, { ...stream, status }, now, em);
        const row = await this.queue.row({ ...stream, status }, streamUpdatedEvent(stream.id, status, reason), randomUUID(), now, em);
        if (row) await this.outbox.add([row], em);
      });
      this.logger.log(`Stream ${stream.id} of client ${stream.clientId} is now ${status} (administrator)`);
    }
    return this.get(streamId);
  }

  /** Deletes the stream and drops the SETs it still held. */
  async remove(streamId: string): Promise<void> {
    const stream = await this.find(streamId);
    await this.tx.run(async (em) => {
      if (!(await this.streams.delete(stream.clientId, stream.id, em))) throw noSuchStream(stream.id);
      await this.ssfOutbox.dropAll(stream.id, 'the stream was deleted by an administrator', em);
    });
  }

  /** The stream's failed SETs are due again; how many. */
  async replayFailed(streamId: string): Promise<{ replayed: number }> {
    const stream = await this.find(streamId);
    return { replayed: await this.tx.run((em) => this.ssfOutbox.replayFailed(stream.id, Date.now(), em)) };
  }

  private async find(streamId: string): Promise<SsfStreamEntity> {
    const stream = await this.streams.findById(streamId);
    if (!stream) throw noSuchStream(streamId);
    return stream;
  }
}

const noSuchStream = (id: string) => notFound(`No stream ${id}.`);

function adminView(s: SsfStreamEntity, d: { pending: number; failed: number; lastError: string | null }): StreamAdminView {
  return {
    stream_id: s.id, client_id: s.clientId, delivery_method: s.deliveryMethod, endpoint_url: s.endpointUrl, events_delivered: eventsDelivered(s),
    description: s.description, status: s.status, status_reason: s.statusReason, caep_receiver_uri_shortcut: s.caepShortcut,
    pending: d.pending, failed: d.failed, last_error: d.lastError, created_at: new Date(s.createdAt).toISOString(), updated_at: new Date(s.updatedAt).toISOString(),
  };
}
