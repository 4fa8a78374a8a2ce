import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, AppConfigModule } from '@app/common';
import { AdminCoreModule } from '@app/admin/admin-core.module';
import { FeatureFlagAdminService } from '@app/admin/admin/feature-flag-admin.service';
import { ExportService } from '@app/admin/provisioning/export.service';
import { FeatureFlagModule } from '@app/feature-flag';
import { GLOBAL_REVOCATION_INITIATOR, GlobalRevocationService } from '@app/revocation/global-revocation.service';
import { SessionsCoreModule } from '@app/sessions/sessions-core.module';
import { SessionWatermarkWorker } from '@app/sessions/termination/session-watermark-worker.service';
import { SubjectResolver } from '@app/revocation/subject/subject-resolver.service';
import { StoreModule, userDirectoryProvider } from '@app/store';

/**
 * What the admin CLI needs: the validated config, the same store as the server, the admin
 * services, the feature flags and the global revocation service (`users revoke` revokes the
 * way the endpoint does, then marks the sessions it ended itself: the CLI runs no background
 * worker). No HTTP.
 */
@Module({})
export class CliModule {
  static forRoot(overrides: Partial<AppConfig> = {}): DynamicModule {
    return {
      module: CliModule,
      imports: [AppConfigModule.forRoot({ sessionWatermarkWorker: false, ...overrides }), StoreModule, SessionsCoreModule, FeatureFlagModule, AdminCoreModule],
      // A revocation from the CLI is an administrator's: CAEP receivers hear initiating_entity "admin".
      providers: [FeatureFlagAdminService, ExportService, GlobalRevocationService, SessionWatermarkWorker, SubjectResolver, userDirectoryProvider(), { provide: GLOBAL_REVOCATION_INITIATOR, useValue: 'admin' }],
    };
  }
}
