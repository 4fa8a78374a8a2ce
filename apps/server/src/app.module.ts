import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfigModule, ConfigOverrides, loadServerConfig, OAuthExceptionFilter, SERVER_CONFIG, ServerConfig, withOverrides } from '@app/common';
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
import { SsfModule } from '@app/shared-signals';
import { SignInModule } from '@app/sign-in';
import { StatusListModule } from '@app/status-list';
import { StoreModule } from '@app/store';
import { HealthController } from './health/health.controller';
import { TracingModule } from './tracing/tracing.module';
import { tracingEnabled } from './tracing/tracing';

/** The server is a host of the feature modules, with no shortcut another host lacks; it adds health, request tracing and the error filter. */
@Module({})
export class AppModule {
  static forRoot(overrides: ConfigOverrides = {}): DynamicModule {
    // Route-shaping settings are fixed when the application is built.
    const config = withOverrides(loadServerConfig(), overrides);
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
        StatusListModule,
        SignInModule,
        // The server serves Swagger UI at /docs (bootstrap.ts): it says so in discovery.
        DiscoveryModule.forRootAsync({ inject: [SERVER_CONFIG], useFactory: (server: ServerConfig) => ({ metadata: { service_documentation: `${server.http.issuer}/docs` } }) }),
        AdminModule,
        // Everything else these modules need they read from the server's configuration.
        RevocationModule.forRoot({ pathPrefix: config.globalRevocation.pathPrefix }),
        SessionMgmtModule.forRoot(),
        SessionNotificationsModule,
        SsfModule,
        MetricsModule.forRoot(config.metrics),
        // Spans only when the OTEL_* variables configure an exporter (main.ts registers the SDK then).
        TracingModule.forRoot({ enabled: tracingEnabled() }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: OAuthExceptionFilter }],
    };
  }
}
