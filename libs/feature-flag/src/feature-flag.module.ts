import { ConfigurableModuleBuilder, DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FeatureFlagGuard } from './feature-flag.guard';
import { FeatureFlagService } from './feature-flag.service';
import { FEATURE_FLAG_DEFAULTS, FeatureFlagModuleOptions } from './feature-flags';

/** The options of forRoot, or of forRootAsync's factory; absent when the module is imported as is. */
const FEATURE_FLAG_OPTIONS = Symbol('FEATURE_FLAG_OPTIONS');

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<FeatureFlagModuleOptions>({ optionsInjectionToken: FEATURE_FLAG_OPTIONS })
  .setClassMethodName('forRoot')
  .build();

/**
 * Feature flags kept in the store, cached in memory, enforced by a global guard. Imported as is,
 * each flag's documented default applies; forRoot (or forRootAsync, from a factory such as a
 * host's ConfigService) lets a host choose other defaults.
 */
@Global()
@Module({
  providers: [
    FeatureFlagService,
    { provide: APP_GUARD, useClass: FeatureFlagGuard },
    { provide: FEATURE_FLAG_DEFAULTS, inject: [{ token: FEATURE_FLAG_OPTIONS, optional: true }], useFactory: (o?: FeatureFlagModuleOptions) => ({ ...o?.defaults }) },
  ],
  exports: [FeatureFlagService],
})
export class FeatureFlagModule extends ConfigurableModuleClass {
  static override forRoot(options: FeatureFlagModuleOptions = {}): DynamicModule {
    return super.forRoot(options);
  }
}
