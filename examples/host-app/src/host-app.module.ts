import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppConfigModule, ConfigOverrides, OAuthExceptionFilter, SERVER_CONFIG, ServerConfig } from '@app/common';
import { AuthModule } from '@app/auth';
import { FeatureFlagModule } from '@app/feature-flag';
import { RevocationModule } from '@app/revocation';
import { SessionMgmtModule } from '@app/session-mgmt';
import { SessionsCoreModule } from '@app/sessions';
import { StoreModule } from '@app/store';
import { ApiKeyClientAuth } from './api-key-client-auth';
import { HostReportsController } from './host-reports.controller';
import { HostSessions } from './host-sessions.service';
import { InMemoryUserDirectory } from './in-memory-user-directory';
import { SessionEndedSubscriber } from './session-ended.subscriber';

/** How long this host keeps a revoked session's SRI listed, unless its configuration says otherwise. */
export const HOST_SRI_LIFETIME_MINUTES = 60;

export interface HostAppOptions {
  /** Configuration of the shared foundation (store, issuer, lifetimes); unset values come from the environment. */
  config: ConfigOverrides;
  directory: InMemoryUserDirectory;
}

/**
 * A host application: the foundation the modules stand on (configuration, store, client
 * authentication, session ending, feature flags), then Global Token Revocation under the
 * host's own prefix and the PingFederate session APIs, both resolving users through the host's
 * directory, and the host's own routes. No OAuth token endpoint, no admin API, no discovery: a
 * host takes what it needs.
 */
@Module({})
export class HostAppModule {
  static forRoot({ config, directory }: HostAppOptions): DynamicModule {
    return {
      module: HostAppModule,
      imports: [
        // The session revocation list is shared by both modules: its lifetime is the foundation's.
        AppConfigModule.forRoot({ ...config, revocationList: { lifetime: HOST_SRI_LIFETIME_MINUTES, ...config.revocationList } }),
        StoreModule,
        SessionsCoreModule,
        AuthModule,
        // This host has no end session endpoint: its flag defaults to off (the store may still turn it on).
        FeatureFlagModule.forRoot({ defaults: { END_SESSION: false } }),
        RevocationModule.forRootAsync({
          pathPrefix: '/api/v1',
          userDirectory: directory,
          inject: [SERVER_CONFIG],
          useFactory: (server: ServerConfig) => ({
            unknownUserStatus: 404,
            subIdFormats: ['email', 'opaque', 'attribute'],
            assertionMaxLifetime: Math.min(server.globalRevocation.assertionMaxLifetime, 120),
          }),
        }),
        SessionMgmtModule.forRoot({ userDirectory: directory, userKeyAttribute: 'employeeNumber' }),
      ],
      controllers: [HostReportsController],
      providers: [HostSessions, SessionEndedSubscriber, ApiKeyClientAuth, { provide: APP_FILTER, useClass: OAuthExceptionFilter }],
    };
  }
}
