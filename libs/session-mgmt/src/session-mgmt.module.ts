import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ROOT_APP_CONFIG } from '@app/common';
import { userDirectoryProvider } from '@app/store';
import { RevocationListPurger } from './revoked-sris/revocation-list-purger.service';
import { RevocationListService } from './revoked-sris/revocation-list.service';
import { RevokedSrisController } from './revoked-sris/revoked-sris.controller';
import { SessionMgmtDiscovery } from './session-mgmt-discovery';
import { SessionMgmtFallbackController } from './session-mgmt-fallback.controller';
import { SessionMgmtModuleAsyncOptions, sessionMgmtConfig, SessionMgmtModuleOptions } from './session-mgmt.options';
import { SessionMgmtService } from './sessions/session-mgmt.service';
import { SessionsController } from './sessions/sessions.controller';
import { UsersController } from './users/users.controller';

const FACTORY_OPTIONS = Symbol('SESSION_MGMT_FACTORY_OPTIONS');

/**
 * PingFederate's Session Revocation API (`/pf-ws/rest/sessionMgmt/revokedSris`) and its
 * Session Management companions (`…/sessions/{sri}`, `…/users/{userKey}`). Needs
 * AppConfigModule, StoreModule, AuthModule, SessionsCoreModule and FeatureFlagModule (all
 * global) in the host. Options left out keep the server's configuration; inside the module,
 * AppConfig reads as the server's with the options applied.
 */
@Module({})
export class SessionMgmtModule {
  static forRoot(options: SessionMgmtModuleOptions = {}): DynamicModule {
    const { userDirectory, ...rest } = options;
    return SessionMgmtModule.build(userDirectory, { provide: FACTORY_OPTIONS, useValue: rest });
  }

  static forRootAsync(options: SessionMgmtModuleAsyncOptions): DynamicModule {
    return SessionMgmtModule.build(options.userDirectory, { provide: FACTORY_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, options.imports);
  }

  private static build(userDirectory: SessionMgmtModuleOptions['userDirectory'], factory: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: SessionMgmtModule,
      imports,
      // The fallback last: a wildcard, answering only what no other route does.
      controllers: [RevokedSrisController, SessionsController, UsersController, SessionMgmtFallbackController],
      providers: [
        factory,
        { provide: APP_CONFIG, inject: [ROOT_APP_CONFIG, FACTORY_OPTIONS], useFactory: (root: AppConfig, o: Omit<SessionMgmtModuleOptions, 'userDirectory'>) => sessionMgmtConfig(root, o) },
        userDirectoryProvider(userDirectory),
        RevocationListService, RevocationListPurger, SessionMgmtService, SessionMgmtDiscovery,
      ],
      exports: [RevocationListService, RevocationListPurger],
    };
  }
}
