import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { errorBodyForPrefix, provideConfigSlice } from '@app/common';
import { userDirectoryProvider } from '@app/users';
import { RevocationListPurger } from './revoked-sris/revocation-list-purger.service';
import { RevocationListService } from './revoked-sris/revocation-list.service';
import { RevokedSrisController } from './revoked-sris/revoked-sris.controller';
import { SessionMgmtDiscovery } from './session-mgmt-discovery';
import { SessionMgmtFallbackController } from './session-mgmt-fallback.controller';
import {
  ResolvedSessionMgmtOptions, SESSION_MGMT_OPTIONS, sessionMgmtRevocationListConfig, sessionMgmtSessionConfig, SessionMgmtFactoryOptions, SessionMgmtModuleExtras, SessionMgmtModuleOptions,
  sessionMgmtPrefix,
} from './session-mgmt.options';
import { SessionMgmtService } from './sessions/session-mgmt.service';
import { SessionsController } from './sessions/sessions.controller';
import { UsersController } from './users/users.controller';

/** The options of forRoot, or of forRootAsync's factory, less the extras. */
const FACTORY_OPTIONS = Symbol('SESSION_MGMT_FACTORY_OPTIONS');

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<SessionMgmtFactoryOptions>({ optionsInjectionToken: FACTORY_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras<SessionMgmtModuleExtras>({ pathPrefix: undefined, userDirectory: undefined }, (definition, { pathPrefix, userDirectory }): DynamicModule => {
    const prefix = sessionMgmtPrefix(pathPrefix);
    return {
      ...definition,
      imports: [...(definition.imports ?? []), RouterModule.register([{ path: prefix, module: definition.module }])],
      providers: [
        ...(definition.providers ?? []),
        { provide: SESSION_MGMT_OPTIONS, useValue: { pathPrefix: prefix } satisfies ResolvedSessionMgmtOptions },
        // Every error below the prefix is PingFederate's, routed or not.
        errorBodyForPrefix(prefix, 'pingfederate'),
        userDirectoryProvider(userDirectory),
      ],
    };
  })
  .build();

/**
 * PingFederate's Session Revocation API (`{pathPrefix}/revokedSris`, by default under
 * `/pf-ws/rest/sessionMgmt`) and its Session Management companions (`…/sessions/{sri}`,
 * `…/users/{userKey}`). Needs
 * AppConfigModule, StoreModule, AuthModule, SessionsCoreModule and FeatureFlagModule (all
 * global) in the host. Options left out keep the server's configuration; inside the module,
 * the `sessions` and `revocationList` slices read as the server's with the options applied. `forRootAsync` takes the options
 * from a factory, `pathPrefix` and `userDirectory` directly.
 */
@Module({
  // The fallback last: a wildcard, answering only what no other route does.
  controllers: [RevokedSrisController, SessionsController, UsersController, SessionMgmtFallbackController],
  providers: [
    provideConfigSlice('sessions', FACTORY_OPTIONS, sessionMgmtSessionConfig),
    provideConfigSlice('revocationList', FACTORY_OPTIONS, sessionMgmtRevocationListConfig),
    RevocationListService, RevocationListPurger, SessionMgmtService, SessionMgmtDiscovery,
  ],
  exports: [RevocationListService, RevocationListPurger],
})
export class SessionMgmtModule extends ConfigurableModuleClass {
  static override forRoot(options: SessionMgmtModuleOptions = {}): DynamicModule {
    return super.forRoot(options);
  }
}
