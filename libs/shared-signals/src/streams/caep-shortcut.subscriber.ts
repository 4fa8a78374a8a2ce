import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, EntitySubscriberInterface, InsertEvent, RemoveEvent, UpdateEvent } from 'typeorm';
import { ClientEntity, SsfOutboxRepository, SsfStreamEntity, SsfStreamRepository } from '@app/store';
import { PUSH_DELIVERY, SESSION_REVOKED_EVENT } from '../ssf.constants';

/** The `description` of a shortcut stream, which says where it comes from. */
export const CAEP_SHORTCUT_DESCRIPTION = 'caep_receiver_uri';

/**
 * A client's `caep_receiver_uri` is a shortcut for one push stream of that client, requesting
 * session-revoked: setting it creates the stream, changing it moves the stream's endpoint (SETs
 * still waiting follow, as the push handler reads the endpoint at each attempt), clearing it or
 * deleting the client deletes the stream and drops what it still held. Every writer of clients
 * (admin API, import file, CLI) goes through the store, so this listens there, in the writer's
 * transaction.
 */
@Injectable()
export class CaepShortcutSubscriber implements EntitySubscriberInterface<ClientEntity> {
  constructor(dataSource: DataSource, private readonly streams: SsfStreamRepository, private readonly outbox: SsfOutboxRepository) {
    dataSource.subscribers.push(this);
  }

  listenTo(): typeof ClientEntity {
    return ClientEntity;
  }

  async afterInsert(event: InsertEvent<ClientEntity>): Promise<void> {
    await this.sync(event.manager, event.entity);
  }

  async afterUpdate(event: UpdateEvent<ClientEntity>): Promise<void> {
    await this.sync(event.manager, (event.entity ?? {}) as Partial<ClientEntity>);
  }

  /** A delete by criteria names no client: the shortcuts whose client is gone go. */
  async afterRemove(event: RemoveEvent<ClientEntity>): Promise<void> {
    const orphans = await event.manager.createQueryBuilder(SsfStreamEntity, 's')
      .where('s.caep_shortcut = :yes', { yes: true })
      .andWhere('NOT EXISTS (SELECT 1 FROM client c WHERE c.client_id = s.client_id)')
      .getMany();
    for (const stream of orphans) await this.remove(event.manager, stream);
  }

  /** Only writes that name the client and its `caep_receiver_uri` (a whole client saved) change the shortcut. */
  private async sync(em: EntityManager, client: Partial<ClientEntity>): Promise<void> {
    if (!client.clientId || !('caepReceiverUri' in client)) return;
    const uri = client.caepReceiverUri ?? null;
    const current = await em.findOneBy(SsfStreamEntity, { clientId: client.clientId, caepShortcut: true });
    if (!uri) {
      if (current) await this.remove(em, current);
      return;
    }
    const now = Date.now();
    if (current) {
      if (current.endpointUrl !== uri || current.deliveryMethod !== PUSH_DELIVERY) {
        await em.update(SsfStreamEntity, { id: current.id }, { deliveryMethod: PUSH_DELIVERY, endpointUrl: uri, updatedAt: now });
        await this.outbox.retarget(current.id, 'ssf_push', uri, em);
      }
      return;
    }
    await em.insert(SsfStreamEntity, {
      id: randomBytes(16).toString('hex'), clientId: client.clientId, deliveryMethod: PUSH_DELIVERY, endpointUrl: uri,
      authorizationHeader: null, eventsRequested: [SESSION_REVOKED_EVENT], description: CAEP_SHORTCUT_DESCRIPTION,
      status: 'enabled', statusReason: null, caepShortcut: true, lastVerificationAt: null, lastActivityAt: now, createdAt: now, updatedAt: now,
    });
  }

  private async remove(em: EntityManager, stream: SsfStreamEntity): Promise<void> {
    await this.streams.delete(stream.clientId, stream.id, em);
    await this.outbox.dropAll(stream.id, 'the client\'s caep_receiver_uri was removed', em);
  }
}
