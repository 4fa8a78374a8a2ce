import { Module } from '@nestjs/common';
import { AdminCoreModule } from './admin-core.module';
import { AdminFallbackController } from './admin/admin-fallback.controller';
import { ClientsController } from './admin/clients.controller';
import { FeatureFlagsController } from './admin/feature-flags.controller';
import { MergePatchBodyParser } from './admin/merge-patch-parser';
import { NotificationsController } from './admin/notifications.controller';
import { SessionsController } from './admin/sessions.controller';
import { SigningKeysController } from './admin/signing-keys.controller';
import { UsersController } from './admin/users.controller';
import { ProvisioningStartup } from './provisioning/provisioning-startup.service';

/** The admin REST API under /admin (bearer token with the admin scope), and IMPORT_FILE provisioning at start. */
@Module({
  imports: [AdminCoreModule],
  // The fallback last: a wildcard, answering only what no other route does (404, or 405 with Allow).
  controllers: [ClientsController, UsersController, SessionsController, FeatureFlagsController, NotificationsController, SigningKeysController, AdminFallbackController],
  providers: [ProvisioningStartup, MergePatchBodyParser],
})
export class AdminModule {}
