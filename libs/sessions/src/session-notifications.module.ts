import { Module, OnModuleInit } from '@nestjs/common';
import { OutboundHttp, OutboundUrlPolicy } from '@app/common';
import { DiscoveryRegistry } from '@app/discovery';
import { NotificationSender } from './notifications/notification-sender';
import { NotificationWorker } from './notifications/notification-worker.service';
import { SessionWatermarkWorker } from './termination/session-watermark-worker.service';

/**
 * Telling the applications that a session ended: the outbox worker sends OpenID Connect
 * Back-Channel Logout tokens and CAEP session-revoked events (RFC 8935 push), and the session
 * watermark worker marks (and queues the notifications of) the sessions a global revocation
 * ended. Server only: the CLI queues notifications and revokes, and a server does the rest.
 */
@Module({
  providers: [OutboundUrlPolicy, OutboundHttp, NotificationSender, NotificationWorker, SessionWatermarkWorker],
  exports: [NotificationWorker, SessionWatermarkWorker],
})
export class SessionNotificationsModule implements OnModuleInit {
  constructor(private readonly discovery: DiscoveryRegistry) {}

  onModuleInit(): void {
    // Back-Channel Logout 1.0 §2.1: every ended session is told, with `sid` in the logout token.
    this.discovery.register(() => ({ backchannel_logout_supported: true, backchannel_logout_session_supported: true }));
  }
}
