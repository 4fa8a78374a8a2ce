import { DynamicModule, Module, Provider } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { APP_CONFIG, AppConfig, ROOT_APP_CONFIG } from '@app/common';
import { userDirectoryProvider } from '@app/users';
import { RevocationListPurger } from './revoked-sris/revocation-list-purger.service';
import { RevocationListService } from './revoked-sris/revocation-list.service';
import { RevokedSrisController } from './revoked-sris/revoked-sris.controller';
import { SessionMgmtDiscovery } from './session-mgmt-discovery';
import { SessionMgmtFallbackController } from './session-mgmt-fallback.controller';
import {
  SESSION_MGMT_OPTIONS, SessionMgmtModuleAsyncOptions, sessionMgmtConfig, SessionMgmtModuleOptions, sessionMgmtPrefix,
} from './session-mgmt.options';
import { SessionMgmtService } from './sessions/session-mgmt.service';
import { SessionsController } from './sessions/sessions.controller';
import { UsersController } from './users/users.controller';

const FACTORY_OPTIONS = Symbol('SESSION_MGMT_FACTORY_OPTIONS');

type FactoryOptions = Omit<SessionMgmtModuleOptions, 'pathPrefix' | 'userDirectory'>;

/**
 * PingFederate's Session Revocation API (`{pathPrefix}/revokedSris`, by default under
 * `/pf-ws/rest/sessionMgmt`) and its Session Management companions (`…/sessions/{sri}`,
 * `…/users/{userKey}`). Needs
 * AppConfigModule, StoreModule, AuthModule, SessionsCoreModule and FeatureFlagModule (all
 * global) in the host. Options left out keep the server's configuration; inside the module,
 * AppConfig reads as the server's with the options applied.
 */
@Module({})
export class SessionMgmtModule {
  static forRoot(options: SessionMgmtModuleOptions = {}): DynamicModule {
    const { pathPrefix, userDirectory, ...rest } = options;
    return SessionMgmtModule.build({ pathPrefix, userDirectory }, { provide: FACTORY_OPTIONS, useValue: rest });
  }

  /** Options from a factory; the path prefix and the directory are given directly, as they shape routes and providers. */
  static forRootAsync(options: SessionMgmtModuleAsyncOptions): DynamicModule {
    return SessionMgmtModule.build(
      { pathPrefix: options.pathPrefix, userDirectory: options.userDirectory },
      { provide: FACTORY_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
      options.imports,
    );
  }

  private static build(fixed: Pick<SessionMgmtModuleOptions, 'pathPrefix' | 'userDirectory'>, factory: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
    const prefix = sessionMgmtPrefix(fixed.pathPrefix);
    return {
      module: SessionMgmtModule,
      imports: [...imports, RouterModule.register([{ path: prefix, module: SessionMgmtModule }])],
      // The fallback last: a wildcard, answering only what no other route does.
      controllers: [RevokedSrisController, SessionsController, UsersController, SessionMgmtFallbackController],
      providers: [
        factory,
        { provide: APP_CONFIG, inject: [ROOT_APP_CONFIG, FACTORY_OPTIONS], useFactory: (root: AppConfig, o: FactoryOptions) => sessionMgmtConfig(root, o) },
        { provide: SESSION_MGMT_OPTIONS, useValue: { pathPrefix: prefix } },
        userDirectoryProvider(fixed.userDirectory),
        RevocationListService, RevocationListPurger, SessionMgmtService, SessionMgmtDiscovery,
      ],
      exports: [RevocationListService, RevocationListPurger],
    };
  }
}
