import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SessionEndedEvent, SessionEvents, UserRevokedEvent } from '@app/sessions';

/**
 * The host's own reaction to a revocation: every ended session, whichever path ended it (a global
 * token revocation, the session revocation list, the Session Management API), arrives here once
 * its transaction has committed. A real host would tell its own systems (a cache, a SIEM, a
 * websocket); this one logs and keeps the events.
 */
@Injectable()
export class SessionEndedSubscriber implements OnModuleInit, OnModuleDestroy {
  readonly received: SessionEndedEvent[] = [];
  /** Global revocations: every token of the user, with or without a live session. */
  readonly revokedUsers: UserRevokedEvent[] = [];
  private readonly logger = new Logger('HostSessionEnded');
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly events: SessionEvents) {}

  onModuleInit(): void {
    this.unsubscribe = [
      this.events.on('session.ended', (event) => {
        this.received.push(event);
        this.logger.log(`${event.sessions.length} session(s) ended (${event.reason}) by ${event.by ?? 'nobody'}`);
      }),
      this.events.on('user.revoked', (event) => {
        this.revokedUsers.push(event);
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }
}
