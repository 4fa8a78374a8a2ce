import { Injectable } from '@nestjs/common';
import { conflict, invalidRequest, notFound } from '@app/common';
import { NotificationOutboxEntity, NotificationOutboxRepository, NotificationStatus } from '@app/store';
import { NOTIFICATION_STATUSES, NotificationViewDto } from './dto/notification.dto';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toNotificationView(n: NotificationOutboxEntity): NotificationViewDto {
  return {
    id: n.id, kind: n.kind, client_id: n.clientId, target_url: n.targetUrl, status: n.status, attempts: n.attempts,
    next_attempt_at: n.status === 'pending' ? iso(n.nextAttemptAt) : null, last_error: n.lastError, stream_id: n.streamId ?? undefined,
    session_id: n.payload.sid, sub: n.payload.sub, initiating_entity: n.payload.initiating_entity, reason: n.payload.reason,
    created_at: iso(n.createdAt)!, delivered_at: iso(n.deliveredAt),
  };
}

/** `pending,failed` → the statuses; `all` → every one. Unknown names are refused. */
export function parseStatuses(value: string | undefined): NotificationStatus[] {
  if (value === undefined || value === '') return ['pending', 'failed'];
  if (value === 'all') return [...NOTIFICATION_STATUSES];
  const names = [...new Set(value.split(',').map((s) => s.trim()))];
  const unknown = names.filter((s) => !(NOTIFICATION_STATUSES as readonly string[]).includes(s));
  if (unknown.length > 0 || names.length === 0) throw invalidRequest(`status: must be all or a comma-separated list of ${NOTIFICATION_STATUSES.join(', ')}`);
  return names as NotificationStatus[];
}

/** The notification outbox for the admin API and the CLI: what is waiting, what gave up. */
@Injectable()
export class NotificationAdminService {
  constructor(private readonly outbox: NotificationOutboxRepository) {}

  async list(statuses: NotificationStatus[], limit = 100, offset = 0): Promise<NotificationViewDto[]> {
    return (await this.outbox.list(statuses, limit, offset)).map(toNotificationView);
  }

  counts(): Promise<Record<NotificationStatus, number>> {
    return this.outbox.countByStatus();
  }

  /** Sends a failed (or waiting) notification again now, with a fresh retry budget. */
  async retry(id: string): Promise<NotificationViewDto> {
    const row = await this.outbox.findById(id);
    if (!row) throw notFound(`No notification with the id "${id}".`);
    if (!(await this.outbox.requeue(id, Date.now()))) throw conflict(`The notification "${id}" was already delivered.`);
    return toNotificationView((await this.outbox.findById(id))!);
  }
}
