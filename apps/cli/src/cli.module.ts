import { DynamicModule, Module } from '@nestjs/common';
import { AdminCoreModule } from '@app/admin/core';
import { SigningKeyRotation } from '@app/auth';
import { AppConfigModule, ConfigOverrides } from '@app/common';
import { FeatureFlagModule } from '@app/feature-flag';
import { RevocationCoreModule } from '@app/revocation/core';
import { SessionsCoreModule, SessionWatermarkWorker } from '@app/sessions';
import { SsfCoreModule } from '@app/shared-signals/core';
import { StoreModule } from '@app/store';

/**
 * What the admin CLI needs: the validated config, the same store as the server, the admin
 * services, the feature flags and the headless global revocation (`users revoke` revokes the
 * way the endpoint does, then marks the sessions it ended itself: the CLI runs no background
 * worker). No HTTP: each feature library is reached through its headless entry (`/core`).
 */
@Module({})
export class CliModule {
  static forRoot(overrides: ConfigOverrides = {}): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppConfigModule.forRoot({ ...overrides, sessions: { watermarkWorker: false, ...overrides.sessions } }), StoreModule, SessionsCoreModule, FeatureFlagModule, AdminCoreModule,
        // A revocation from the CLI is an administrator's: CAEP receivers hear initiating_entity "admin".
        RevocationCoreModule.forRoot({ initiatingEntity: 'admin' }),
        // Sessions the CLI ends reach the Shared Signals streams too.
        SsfCoreModule,
      ],
      // SigningKeyRotation alone, not AuthModule: `keys` changes the stored keys, which running servers read.
      providers: [SessionWatermarkWorker, SigningKeyRotation],
    };
  }
}
