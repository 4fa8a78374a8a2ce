import { Injectable, OnModuleInit } from '@nestjs/common';
import { NotificationKindHandler, NotificationKinds, NotificationPreparation } from '@app/sessions';
import { KeySealer, NotificationOutboxEntity, SsfStreamRepository } from '@app/store';
import { passesStoppedStream } from '../events/security-events';
import { SetSigner } from '../events/set-signer.service';
import { SsfEventQueue } from '../events/ssf-event-queue.service';
import { PUSH_DELIVERY } from '../ssf.constants';
import { sealContext } from '../streams/stream.service';

/**
 * Push delivery (RFC 8935, SSF 1.0 §6.1.1) of `ssf_push` outbox rows. The outbox worker claims,
 * retries and settles them as its own; this reads the stream as it is at each attempt: its
 * endpoint and `authorization_header` (sent as `Authorization`), and its status (a paused
 * stream holds the SET, a disabled or deleted one drops it). The SET is signed at each attempt.
 */
@Injectable()
export class SsfPushHandler implements NotificationKindHandler, OnModuleInit {
  constructor(
    private readonly kinds: NotificationKinds,
    private readonly streams: SsfStreamRepository,
    private readonly sealer: KeySealer,
    private readonly signer: SetSigner,
    private readonly queue: SsfEventQueue,
  ) {}

  onModuleInit(): void {
    this.kinds.register('ssf_push', this);
  }

  async prepare(row: NotificationOutboxEntity, now: number): Promise<NotificationPreparation> {
    const stream = row.streamId ? await this.streams.findById(row.streamId) : null;
    if (!stream) return { drop: 'the stream was deleted' };
    const passes = passesStoppedStream(row.payload);
    if (stream.status === 'disabled' && !passes) return { drop: 'the stream is disabled' };
    const expires = row.createdAt + this.queue.retentionMs;
    if (now >= expires) return { drop: 'not delivered within SSF_EVENT_RETENTION' };
    if (stream.status === 'paused' && !passes) return { holdUntil: expires, reason: 'the stream is paused' };
    // The stream switched to poll since this row was queued: back to the queue, where polls find it.
    if (stream.deliveryMethod !== PUSH_DELIVERY || !stream.endpointUrl) return { holdUntil: now, reason: 'the stream polls now' };
    const authorization = stream.authorizationHeader ? this.sealer.open(stream.authorizationHeader, sealContext(stream.id)) : null;
    return {
      send: {
        url: stream.endpointUrl, contentType: 'application/secevent+jwt', body: await this.signer.sign(row, now),
        ...(authorization ? { headers: { Authorization: authorization } } : {}),
      },
    };
  }
}
