import { Module } from '@nestjs/common';
import { SsfStreamAdminService } from './admin/stream-admin.service';
import { ChangeEventPlanner } from './events/change-events.planner';
import { ChangeEventsSubscriber } from './events/change-events.subscriber';
import { RevocationReceiptPlanner } from './events/revocation-receipt.planner';
import { SessionRevokedPlanner } from './events/session-revoked.planner';
import { SsfEventQueue } from './events/ssf-event-queue.service';
import { CaepShortcutSubscriber } from './streams/caep-shortcut.subscriber';

/**
 * The part of the Shared Signals transmitter that needs no HTTP: every session ending queues a
 * CAEP session-revoked SET for the streams that want it, in the ending's transaction, and every
 * change of a user's password or attributes or of a client's secret or scopes a credential-change
 * or token-claims-change SET, in the change's. The stream administration service (admin API,
 * CLI) is here too. SsfModule
 * brings it; a host that ends sessions without serving SSF (the admin CLI) imports it alone, so
 * its revocations reach the streams too. It also keeps each client's `caep_receiver_uri` stream
 * in step with the client, whichever host writes it. Needs StoreModule and SessionsCoreModule.
 */
@Module({
  providers: [SsfEventQueue, SessionRevokedPlanner, CaepShortcutSubscriber, ChangeEventPlanner, ChangeEventsSubscriber, RevocationReceiptPlanner, SsfStreamAdminService],
  exports: [SsfEventQueue, SsfStreamAdminService],
})
export class SsfCoreModule {}
