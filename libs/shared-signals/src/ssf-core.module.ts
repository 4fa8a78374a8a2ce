import { Module } from '@nestjs/common';
import { SessionRevokedPlanner } from './events/session-revoked.planner';
import { SsfEventQueue } from './events/ssf-event-queue.service';

/**
 * The part of the Shared Signals transmitter that needs no HTTP: every session ending queues a
 * CAEP session-revoked SET for the streams that want it, in the ending's transaction. SsfModule
 * brings it; a host that ends sessions without serving SSF (the admin CLI) imports it alone, so
 * its revocations reach the streams too. Needs StoreModule and SessionsCoreModule.
 */
@Module({ providers: [SsfEventQueue, SessionRevokedPlanner], exports: [SsfEventQueue] })
export class SsfCoreModule {}
