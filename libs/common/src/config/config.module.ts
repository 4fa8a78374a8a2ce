import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, loadAppConfig } from './app.config';

/**
 * The application-wide AppConfig, under a token no feature module shadows. A module configured
 * through forRoot(options) provides its own APP_CONFIG (this one with its options applied) and
 * builds it from ROOT_APP_CONFIG.
 */
export const ROOT_APP_CONFIG = Symbol('ROOT_APP_CONFIG');

/** Provides the validated AppConfig everywhere; tests pass their own overrides. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(overrides: Partial<AppConfig> = {}): DynamicModule {
    const config: AppConfig = { ...loadAppConfig(), ...overrides };
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: ROOT_APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG, ROOT_APP_CONFIG],
    };
  }
}
