import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfig, AppConfigModule, loadAppConfig, OAuthExceptionFilter, ROOT_APP_CONFIG } from '@app/common';
import { AdminModule } from '@app/admin';
import { AuditModule } from '@app/audit';
import { AuthModule } from '@app/auth';
import { DiscoveryModule } from '@app/discovery';
import { FeatureFlagModule } from '@app/feature-flag';
import { MetricsModule } from '@app/metrics';
import { OAuthModule } from '@app/oauth';
import { RevocationModule } from '@app/revocation';
import { SessionMgmtModule } from '@app/session-mgmt';
import { SessionNotificationsModule, SessionsCoreModule } from '@app/sessions';
import { SignInModule } from '@app/sign-in';
import { StoreModule } from '@app/store';
import { HealthController } from './health/health.controller';
import { TracingModule } from './tracing/tracing.module';
import { tracingEnabled } from './tracing/tracing';

/** The server is a host of the feature modules, with no shortcut another host lacks; it adds health, request tracing and the error filter. */
@Module({})
export class AppModule {
  static forRoot(overrides: Partial<AppConfig> = {}): DynamicModule {
    // Route-shaping settings are fixed when the application is built.
    const config: AppConfig = { ...loadAppConfig(), ...overrides };
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(overrides),
        AuditModule.forRoot(),
        StoreModule.forRoot(),
        SessionsCoreModule,
        AuthModule,
        FeatureFlagModule.forRoot(),
        OAuthModule.forRoot(),
        SignInModule,
        // The server serves Swagger UI at /docs (bootstrap.ts): it says so in discovery.
        DiscoveryModule.forRootAsync({ inject: [ROOT_APP_CONFIG], useFactory: (root: AppConfig) => ({ metadata: { service_documentation: `${root.issuer}/docs` } }) }),
        AdminModule,
        // Everything else these modules need they read from the server's configuration.
        RevocationModule.forRoot({ pathPrefix: config.globalTokenRevocationPrefix }),
        SessionMgmtModule.forRoot(),
        SessionNotificationsModule,
        MetricsModule.forRoot({ enabled: config.metricsEnabled, token: config.metricsToken }),
        // Spans only when the OTEL_* variables configure an exporter (main.ts registers the SDK then).
        TracingModule.forRoot({ enabled: tracingEnabled() }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: OAuthExceptionFilter }],
    };
  }
}
