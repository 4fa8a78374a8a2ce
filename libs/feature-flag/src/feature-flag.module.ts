import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FeatureFlagGuard } from './feature-flag.guard';
import { FeatureFlagService } from './feature-flag.service';
import { FEATURE_FLAG_DEFAULTS, FeatureFlagModuleAsyncOptions, FeatureFlagModuleOptions } from './feature-flags';

/** Feature flags kept in the store, cached in memory, enforced by a global guard. */
@Global()
@Module({
  providers: [FeatureFlagService, { provide: APP_GUARD, useClass: FeatureFlagGuard }],
  exports: [FeatureFlagService],
})
export class FeatureFlagModule {
  /** Imported as is, each flag's documented default applies; forRoot lets a host choose other defaults. */
  static forRoot(options: FeatureFlagModuleOptions = {}): DynamicModule {
    return { module: FeatureFlagModule, providers: [{ provide: FEATURE_FLAG_DEFAULTS, useValue: { ...options.defaults } }] };
  }

  /** The defaults from a factory (e.g. a host's ConfigService). */
  static forRootAsync(options: FeatureFlagModuleAsyncOptions): DynamicModule {
    return {
      module: FeatureFlagModule,
      imports: options.imports ?? [],
      providers: [{
        provide: FEATURE_FLAG_DEFAULTS, inject: options.inject ?? [],
        useFactory: async (...args: never[]) => ({ ...(await options.useFactory(...args)).defaults }),
      }],
    };
  }
}
