import { randomUUID } from 'node:crypto';
import type { ClientEntity, NotificationOutboxEntity, NotificationPayload } from '@app/store';
import type { EndedSession } from '../events/session-events';
import type { SessionEnding } from '../termination/session-ending';

/**
 * The back-channel logout tokens for ended sessions: one per client of each session that
 * registered a back-channel logout URI. Clients without one, or that no longer exist, are told
 * nothing here. (A client's `caep_receiver_uri` is a Shared Signals stream: NotificationPlanners.)
 */
export function planNotifications(
  sessions: EndedSession[],
  clients: Pick<ClientEntity, 'clientId' | 'backchannelLogoutUri'>[],
  ending: SessionEnding,
  newId: () => string = randomUUID,
): NotificationOutboxEntity[] {
  const byId = new Map(clients.map((c) => [c.clientId, c]));
  const rows: NotificationOutboxEntity[] = [];
  for (const session of sessions) {
    const payload: NotificationPayload = {
      sub: session.userId, sid: session.id, event_timestamp: Math.floor(ending.at / 1000),
      initiating_entity: ending.initiatingEntity, reason: ending.reason,
    };
    for (const clientId of new Set(session.clientIds)) {
      const client = byId.get(clientId);
      if (!client) continue;
      const row = (kind: NotificationOutboxEntity['kind'], targetUrl: string): NotificationOutboxEntity => ({
        id: newId(), kind, clientId, targetUrl, payload, status: 'pending', attempts: 0, nextAttemptAt: ending.at,
        leaseId: null, lastError: null, createdAt: ending.at, deliveredAt: null, streamId: null,
      });
      if (client.backchannelLogoutUri) rows.push(row('backchannel_logout', client.backchannelLogoutUri));
    }
  }
  return rows;
}
