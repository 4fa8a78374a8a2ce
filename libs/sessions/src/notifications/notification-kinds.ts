import { Injectable } from '@nestjs/common';
import type { NotificationOutboxEntity } from '@app/store';

/** What to POST for one attempt. */
export interface PreparedNotification {
  url: string;
  contentType: string;
  body: string;
  /** Further request headers (e.g. the receiver's `Authorization`); never logged. */
  headers?: Record<string, string>;
}

/**
 * A kind handler's decision for a due row: send it now, hold it until `holdUntil` (not counted
 * as an attempt), or drop it (marked failed with the reason, never retried).
 */
export type NotificationPreparation = { send: PreparedNotification } | { holdUntil: number; reason: string } | { drop: string };

/** Builds the request of the outbox rows of one kind, which the core senders do not know. */
export interface NotificationKindHandler {
  prepare(row: NotificationOutboxEntity, now: number): Promise<NotificationPreparation>;
}

/**
 * Handlers of outbox kinds added by other modules (the Shared Signals transmitter's `ssf_push`).
 * The worker keeps the leases, retries and receiver gates for them as for its own kinds.
 */
@Injectable()
export class NotificationKinds {
  private readonly handlers = new Map<string, NotificationKindHandler>();

  /** Registers the handler of `kind`; the returned function removes it. */
  register(kind: NotificationOutboxEntity['kind'], handler: NotificationKindHandler): () => void {
    if (this.handlers.has(kind)) throw new Error(`A handler of the notification kind ${kind} is already registered`);
    this.handlers.set(kind, handler);
    return () => this.handlers.delete(kind);
  }

  get(kind: string): NotificationKindHandler | undefined {
    return this.handlers.get(kind);
  }
}
