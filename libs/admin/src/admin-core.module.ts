import { Module } from '@nestjs/common';
import { OutboundUrlPolicy } from '@app/common';
import { ClientAdminService } from './admin/client-admin.service';
import { FeatureFlagAdminService } from './admin/feature-flag-admin.service';
import { NotificationAdminService } from './admin/notification-admin.service';
import { SessionAdminService } from './admin/session-admin.service';
import { UserAdminService } from './admin/user-admin.service';
import { ExportService } from './provisioning/export.service';
import { ProvisioningService } from './provisioning/provisioning.service';

const SERVICES = [ProvisioningService, ExportService, ClientAdminService, UserAdminService, SessionAdminService, NotificationAdminService, FeatureFlagAdminService];

/** The admin services without HTTP: shared by AdminModule and the admin CLI (which needs only the store and the config). */
@Module({
  // OutboundUrlPolicy: registrations of the URLs the server will call are checked against it.
  providers: [...SERVICES, OutboundUrlPolicy],
  exports: SERVICES,
})
export class AdminCoreModule {}
