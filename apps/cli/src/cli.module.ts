import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, AppConfigModule } from '@app/common';
import { AdminCoreModule } from '@app/admin/admin-core.module';
import { StoreModule } from '@app/store';

/** What the admin CLI needs: the validated config, the same store as the server, the admin services. No HTTP. */
@Module({})
export class CliModule {
  static forRoot(overrides: Partial<AppConfig> = {}): DynamicModule {
    return { module: CliModule, imports: [AppConfigModule.forRoot(overrides), StoreModule, AdminCoreModule] };
  }
}
