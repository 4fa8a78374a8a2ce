import { Module, OnModuleInit, Optional } from '@nestjs/common';
import { OutboundUrlPolicy } from '@app/common';
import { DiscoveryRegistry } from '@app/discovery';
import { SessionNotificationsModule } from '@app/sessions';
import { StreamsAdminController } from './admin/streams-admin.controller';
import { SsfManageGuard, SsfPollGuard, SsfReadGuard } from './auth/ssf-auth';
import { SsfConfigurationController } from './configuration/ssf-configuration.controller';
import { SsfConfigurationService } from './configuration/ssf-configuration.service';
import { DeliverySignals } from './delivery/delivery-signals.service';
import { PollController } from './delivery/poll.controller';
import { SsfPollService } from './delivery/poll.service';
import { SsfPushHandler } from './delivery/push.handler';
import { SetSigner } from './events/set-signer.service';
import { StreamMaintenanceWorker } from './maintenance/stream-maintenance.worker';
import { SSF_MANAGE_SCOPE, SSF_READ_SCOPE } from './ssf.constants';
import { SsfCoreModule } from './ssf-core.module';
import { StatusController } from './streams/status.controller';
import { SsfStreamStatusService } from './streams/stream-status.service';
import { SsfStreamSubjectsService } from './streams/stream-subjects.service';
import { SsfStreamService } from './streams/stream.service';
import { StreamsController } from './streams/streams.controller';
import { SubjectsController } from './streams/subjects.controller';

/**
 * An OpenID Shared Signals Framework 1.0 transmitter (docs/shared-signals.md): the Transmitter
 * Configuration Metadata, the stream management API, push (RFC 8935, through the notification
 * outbox's worker) and poll (RFC 8936) delivery of CAEP session-revoked, verification and
 * stream-updated SETs. Receivers are OAuth clients with `ssf.manage` / `ssf.read` access tokens.
 * Needs AppConfigModule, StoreModule, SessionsCoreModule and AuthModule; DiscoveryModule, when
 * mounted, lists the scopes and gives the JWKS location.
 */
@Module({
  imports: [SsfCoreModule, SessionNotificationsModule],
  controllers: [SsfConfigurationController, StreamsController, StatusController, SubjectsController, PollController, StreamsAdminController],
  providers: [
    OutboundUrlPolicy, SsfManageGuard, SsfReadGuard, SsfPollGuard, SsfConfigurationService, DeliverySignals, SetSigner, SsfPushHandler,
    SsfPollService, SsfStreamService, SsfStreamStatusService, SsfStreamSubjectsService, StreamMaintenanceWorker,
  ],
})
export class SsfModule implements OnModuleInit {
  constructor(@Optional() private readonly discovery?: DiscoveryRegistry) {}

  onModuleInit(): void {
    this.discovery?.register(() => ({ scopes_supported: [SSF_MANAGE_SCOPE, SSF_READ_SCOPE] }));
  }
}
