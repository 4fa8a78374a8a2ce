import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { loadServerConfig, provideConfigSlice } from '@app/common';
import { GlobalRevocationAuthGuard } from './auth/global-revocation-auth.guard';
import { RevocationAssertionVerifier } from './auth/revocation-assertion.verifier';
import { GlobalTokenRevocationController } from './global-token-revocation.controller';
import { RevocationCoreModule } from './revocation-core.module';
import { RevocationDiscovery } from './revocation-discovery';
import {
  ALL_SUB_ID_FORMATS, normalizePrefix, ResolvedRevocationOptions, REVOCATION_OPTIONS, revocationConfig, RevocationFactoryOptions, RevocationModuleExtras,
  RevocationModuleOptions,
} from './revocation.options';

/** The options of forRoot, or of forRootAsync's factory, less the extras. */
const FACTORY_OPTIONS = Symbol('REVOCATION_FACTORY_OPTIONS');

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<RevocationFactoryOptions>({ optionsInjectionToken: FACTORY_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras<RevocationModuleExtras>({ pathPrefix: undefined, userDirectory: undefined }, (definition, { pathPrefix, userDirectory }): DynamicModule => {
    // A route path is fixed when the application is built: without an option, the server's setting.
    const prefix = normalizePrefix(pathPrefix ?? loadServerConfig().globalRevocation.pathPrefix);
    return {
      ...definition,
      imports: [
        ...(definition.imports ?? []),
        RevocationCoreModule.forRoot({ userDirectory }),
        ...(prefix ? [RouterModule.register([{ path: prefix, module: definition.module }])] : []),
      ],
      providers: [
        ...(definition.providers ?? []),
        provideConfigSlice('globalRevocation', FACTORY_OPTIONS, (server, o: RevocationFactoryOptions) => revocationConfig(server, { ...o, pathPrefix: prefix })),
      ],
      exports: [RevocationCoreModule],
    };
  })
  .build();

/**
 * Global Token Revocation (Janssen's endpoint, the IETF draft, Okta Universal Logout), at
 * `{pathPrefix}/global-token-revocation`. Needs AppConfigModule, StoreModule, AuthModule,
 * SessionsCoreModule and FeatureFlagModule (all global) in the host. Options left out keep the
 * server's configuration; inside the module, the `globalRevocation` slice reads as the server's with the options
 * applied, so discovery and the assertions' `aud` follow the prefix. `forRootAsync` takes the
 * options from a factory (e.g. a host's ConfigService), `pathPrefix` and `userDirectory` directly.
 */
@Module({
  controllers: [GlobalTokenRevocationController],
  providers: [
    {
      provide: REVOCATION_OPTIONS, inject: [FACTORY_OPTIONS],
      useFactory: (o: RevocationFactoryOptions): ResolvedRevocationOptions => ({ subIdFormats: new Set(o.subIdFormats ?? ALL_SUB_ID_FORMATS) }),
    },
    RevocationAssertionVerifier, GlobalRevocationAuthGuard, RevocationDiscovery,
  ],
})
export class RevocationModule extends ConfigurableModuleClass {
  static override forRoot(options: RevocationModuleOptions = {}): DynamicModule {
    return super.forRoot(options);
  }
}
