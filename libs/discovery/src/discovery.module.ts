import { ConfigurableModuleBuilder, DynamicModule, Global, Module } from '@nestjs/common';
import { provideConfigSlice } from '@app/common';
import { discoveryController } from './discovery.controller';
import {
  DISCOVERY_METADATA, DISCOVERY_PATHS, discoveryHttpConfig, DiscoveryFactoryOptions, DiscoveryModuleExtras, DiscoveryModuleOptions, normalizeDiscoveryPaths,
} from './discovery.options';
import { DiscoveryRegistry } from './discovery.registry';

/** The options of forRoot, or of forRootAsync's factory, less the paths. */
const FACTORY_OPTIONS = Symbol('DISCOVERY_FACTORY_OPTIONS');

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<DiscoveryFactoryOptions>({ optionsInjectionToken: FACTORY_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras<DiscoveryModuleExtras>({ paths: undefined }, (definition, { paths }): DynamicModule => {
    const served = normalizeDiscoveryPaths(paths ?? DISCOVERY_PATHS);
    return { ...definition, controllers: served.length > 0 ? [discoveryController(served)] : [] };
  })
  .build();

/**
 * The discovery document; global so that any feature module can register its entries. Needs
 * AppConfigModule (global) in the host. Options left out keep the server's configuration.
 * `forRootAsync` takes the options from a factory, `paths` directly.
 */
@Global()
@Module({
  providers: [
    provideConfigSlice('http', FACTORY_OPTIONS, discoveryHttpConfig),
    { provide: DISCOVERY_METADATA, inject: [FACTORY_OPTIONS], useFactory: (o: DiscoveryFactoryOptions) => ({ ...o.metadata }) },
    DiscoveryRegistry,
  ],
  exports: [DiscoveryRegistry],
})
export class DiscoveryModule extends ConfigurableModuleClass {
  static override forRoot(options: DiscoveryModuleOptions = {}): DynamicModule {
    return super.forRoot(options);
  }
}
