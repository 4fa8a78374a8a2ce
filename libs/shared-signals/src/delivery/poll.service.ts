import { Injectable } from '@nestjs/common';
import { InjectConfig, notFound, SsfConfig } from '@app/common';
import { NotificationOutboxEntity, SsfOutboxRepository, SsfStreamEntity } from '@app/store';
import { passesStoppedStream } from '../events/security-events';
import { SetSigner } from '../events/set-signer.service';
import { SsfEventQueue } from '../events/ssf-event-queue.service';
import { POLL_DELIVERY } from '../ssf.constants';
import { SsfStreamService } from '../streams/stream.service';
import { DeliverySignals } from './delivery-signals.service';
import { POLL_DEFAULT_EVENTS, POLL_MAX_EVENTS, PollRequest } from './poll-request';

/** How often a waiting poll looks at the store itself, for SETs another instance queued. */
export const POLL_RECHECK_MS = 1000;

export interface PollResponse {
  sets: Record<string, string>;
  moreAvailable: boolean;
}

/**
 * Poll delivery (RFC 8936, SSF 1.0 §6.1.2). Acknowledged SETs (`ack`) and those the receiver
 * reported (`setErrs`) are settled first and never returned again. Then the due SETs of the
 * stream, oldest first, are claimed for SSF_POLL_ACK_TIMEOUT: one poll has each (another poll,
 * on any instance, does not see it), and a SET not acknowledged by then is returned again.
 * Without `returnImmediately`, a poll with nothing to return waits up to SSF_POLL_MAX_WAIT
 * seconds for a SET. A paused or disabled stream returns only stream-updated events.
 */
@Injectable()
export class SsfPollService {
  constructor(
    @InjectConfig('ssf') private readonly ssf: SsfConfig,
    private readonly configs: SsfStreamService,
    private readonly outbox: SsfOutboxRepository,
    private readonly queue: SsfEventQueue,
    private readonly signer: SetSigner,
    private readonly signals: DeliverySignals,
  ) {}

  async poll(clientId: string, streamId: string, request: PollRequest, signal?: AbortSignal): Promise<PollResponse> {
    let stream = await this.pollStream(clientId, streamId);
    await this.configs.touch(stream);
    const now = Date.now();
    if (request.ack.length > 0) await this.outbox.acknowledge(stream.id, request.ack, now);
    for (const e of request.setErrs) await this.outbox.rejected(stream.id, e.jti, `the receiver reported ${e.err}${e.description ? `: ${e.description}` : ''}`);
    const limit = Math.min(request.maxEvents ?? POLL_DEFAULT_EVENTS, POLL_MAX_EVENTS);
    const deadline = now + (request.returnImmediately || limit === 0 ? 0 : this.ssf.pollMaxWait * 1000);
    let rows: NotificationOutboxEntity[] = [];
    for (;;) {
      rows = await this.claim(stream, limit);
      const left = deadline - Date.now();
      if (rows.length > 0 || left <= 0 || signal?.aborted) break;
      await this.signals.nextChance(Math.min(left, POLL_RECHECK_MS), signal);
      stream = await this.pollStream(clientId, streamId);
    }
    const signedAt = Date.now();
    const sets: Record<string, string> = {};
    for (const row of rows) sets[row.id] = await this.signer.sign(row, signedAt);
    const moreAvailable = stream.status === 'enabled' && (await this.outbox.pollable(stream.id, Date.now(), this.oldestKept()));
    return { sets, moreAvailable };
  }

  private async claim(stream: SsfStreamEntity, limit: number): Promise<NotificationOutboxEntity[]> {
    const now = Date.now();
    const rows = await this.outbox.claimForPoll(stream.id, now, this.oldestKept(), now + this.ssf.pollAckTimeout * 1000, limit);
    if (stream.status === 'enabled') return rows;
    // A stopped stream transmits only the event that says it stopped (SSF 1.0 §8.1.5); the rest wait.
    const passing = rows.filter((r) => passesStoppedStream(r.payload));
    await this.outbox.holdClaimed(rows.filter((r) => !passing.includes(r)).map((r) => r.id), this.queue.retentionMs);
    return passing;
  }

  /** The receiver's poll stream; a push stream has no poll endpoint (404). */
  private async pollStream(clientId: string, streamId: string): Promise<SsfStreamEntity> {
    const stream = await this.configs.find(clientId, streamId);
    if (stream.deliveryMethod !== POLL_DELIVERY) throw notFound(`The stream "${streamId}" delivers by push: it has no poll endpoint.`);
    return stream;
  }

  private oldestKept(): number {
    return Date.now() - this.queue.retentionMs;
  }
}
