import { DynamicModule, Module, Provider } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { APP_CONFIG, AppConfig, loadAppConfig, ROOT_APP_CONFIG } from '@app/common';
import { GlobalRevocationAuthGuard } from './auth/global-revocation-auth.guard';
import { JsonContentTypeGuard } from './auth/json-content-type.guard';
import { RevocationAssertionVerifier } from './auth/revocation-assertion.verifier';
import { GlobalTokenRevocationController } from './global-token-revocation.controller';
import { RevocationCoreModule } from './revocation-core.module';
import { RevocationDiscovery } from './revocation-discovery';
import {
  ALL_SUB_ID_FORMATS, normalizePrefix, ResolvedRevocationOptions, REVOCATION_OPTIONS, revocationConfig, RevocationModuleAsyncOptions, RevocationModuleOptions,
} from './revocation.options';

type FactoryOptions = Omit<RevocationModuleOptions, 'pathPrefix' | 'userDirectory'>;
const FACTORY_OPTIONS = Symbol('REVOCATION_FACTORY_OPTIONS');

/**
 * Global Token Revocation (Janssen's endpoint, the IETF draft, Okta Universal Logout), at
 * `{pathPrefix}/global-token-revocation`. Needs AppConfigModule, StoreModule, AuthModule,
 * SessionsCoreModule and FeatureFlagModule (all global) in the host. Options left out keep the
 * server's configuration; inside the module, AppConfig reads as the server's with the options
 * applied, so discovery and the assertions' `aud` follow the prefix.
 */
@Module({})
export class RevocationModule {
  static forRoot(options: RevocationModuleOptions = {}): DynamicModule {
    const { pathPrefix, userDirectory, ...rest } = options;
    return RevocationModule.build({ pathPrefix, userDirectory }, { provide: FACTORY_OPTIONS, useValue: rest });
  }

  /** Options from a factory (e.g. a host's ConfigService); the path prefix and the directory are given directly, as they shape routes and providers. */
  static forRootAsync(options: RevocationModuleAsyncOptions): DynamicModule {
    return RevocationModule.build(
      { pathPrefix: options.pathPrefix, userDirectory: options.userDirectory },
      { provide: FACTORY_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
      options.imports,
    );
  }

  private static build(fixed: Pick<RevocationModuleOptions, 'pathPrefix' | 'userDirectory'>, factory: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
    // A route path is fixed when the application is built: without an option, the server's setting.
    const prefix = normalizePrefix(fixed.pathPrefix ?? loadAppConfig().globalTokenRevocationPrefix);
    return {
      module: RevocationModule,
      imports: [...imports, RevocationCoreModule.forRoot({ userDirectory: fixed.userDirectory }), ...(prefix ? [RouterModule.register([{ path: prefix, module: RevocationModule }])] : [])],
      controllers: [GlobalTokenRevocationController],
      providers: [
        factory,
        {
          provide: APP_CONFIG, inject: [ROOT_APP_CONFIG, FACTORY_OPTIONS],
          useFactory: (root: AppConfig, o: FactoryOptions) => revocationConfig(root, { ...o, pathPrefix: prefix }),
        },
        {
          provide: REVOCATION_OPTIONS, inject: [FACTORY_OPTIONS],
          useFactory: (o: FactoryOptions): ResolvedRevocationOptions => ({ subIdFormats: new Set(o.subIdFormats ?? ALL_SUB_ID_FORMATS) }),
        },
        RevocationAssertionVerifier,
        JsonContentTypeGuard, GlobalRevocationAuthGuard, RevocationDiscovery,
      ],
      exports: [RevocationCoreModule],
    };
  }
}
