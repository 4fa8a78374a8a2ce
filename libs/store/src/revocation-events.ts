import { EntityManager } from 'typeorm';
import { RevocationEventEntity, RevocationEventKind } from './entities';

/** Appends revocation events in the caller's transaction, so they commit or roll back with the change. */
export async function appendRevocationEvents(
  em: EntityManager,
  events: { kind: RevocationEventKind; subject: string; value?: string | number | null }[],
): Promise<void> {
  if (events.length === 0) return;
  const now = Date.now();
  await em.insert(
    RevocationEventEntity,
    events.map((e) => ({ kind: e.kind, subject: e.subject.slice(0, 255), value: e.value === undefined || e.value === null ? null : String(e.value), createdAt: now })),
  );
}
