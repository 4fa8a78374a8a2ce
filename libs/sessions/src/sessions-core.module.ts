import { Global, Module } from '@nestjs/common';
import { SessionEvents } from './events/session-events';
import { NotificationKinds } from './notifications/notification-kinds';
import { NotificationPlanners } from './notifications/notification-planners';
import { AfterCommit } from './termination/after-commit';
import { GlobalRevocationHooks } from './termination/global-revocation-hooks';
import { SessionTerminator } from './termination/session-terminator.service';

const EXPORTED = [SessionTerminator, SessionEvents, AfterCommit, NotificationPlanners, NotificationKinds, GlobalRevocationHooks];

/**
 * Ending user sessions, without HTTP: SessionTerminator (the one way a session ends, queueing
 * its notifications in the same transaction), the session events, and where other modules add
 * receivers (NotificationPlanners) and outbox kinds (NotificationKinds). Global, so every module
 * that ends sessions reaches it; the admin CLI imports it too.
 */
@Global()
@Module({ providers: EXPORTED, exports: EXPORTED })
export class SessionsCoreModule {}
