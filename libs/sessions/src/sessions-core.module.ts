import { Global, Module } from '@nestjs/common';
import { SessionEvents } from './events/session-events';
import { AfterCommit } from './termination/after-commit';
import { SessionTerminator } from './termination/session-terminator.service';

const EXPORTED = [SessionTerminator, SessionEvents, AfterCommit];

/**
 * Ending user sessions, without HTTP: SessionTerminator (the one way a session ends, queueing
 * its notifications in the same transaction) and the session events. Global, so every module
 * that ends sessions reaches it; the admin CLI imports it too.
 */
@Global()
@Module({ providers: EXPORTED, exports: EXPORTED })
export class SessionsCoreModule {}
