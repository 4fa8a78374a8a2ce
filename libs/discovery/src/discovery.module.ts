import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ROOT_APP_CONFIG } from '@app/common';
import { discoveryController } from './discovery.controller';
import {
  DISCOVERY_METADATA, DISCOVERY_PATHS, discoveryConfig, DiscoveryModuleAsyncOptions, DiscoveryModuleOptions, normalizeDiscoveryPaths,
} from './discovery.options';
import { DiscoveryRegistry } from './discovery.registry';

type FactoryOptions = Omit<DiscoveryModuleOptions, 'paths'>;
const FACTORY_OPTIONS = Symbol('DISCOVERY_FACTORY_OPTIONS');

/**
 * The discovery document; global so that any feature module can register its entries. Needs
 * AppConfigModule (global) in the host. Options left out keep the server's configuration.
 */
@Global()
@Module({})
export class DiscoveryModule {
  static forRoot(options: DiscoveryModuleOptions = {}): DynamicModule {
    const { paths, ...rest } = options;
    return DiscoveryModule.build(paths, { provide: FACTORY_OPTIONS, useValue: rest });
  }

  /** Options from a factory; the paths are given directly, as they shape routes. */
  static forRootAsync(options: DiscoveryModuleAsyncOptions): DynamicModule {
    return DiscoveryModule.build(options.paths, { provide: FACTORY_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, options.imports);
  }

  private static build(paths: readonly string[] = DISCOVERY_PATHS, factory: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
    const served = normalizeDiscoveryPaths(paths);
    return {
      module: DiscoveryModule,
      imports,
      controllers: served.length > 0 ? [discoveryController(served)] : [],
      providers: [
        factory,
        { provide: APP_CONFIG, inject: [ROOT_APP_CONFIG, FACTORY_OPTIONS], useFactory: (root: AppConfig, o: FactoryOptions) => discoveryConfig(root, o) },
        { provide: DISCOVERY_METADATA, inject: [FACTORY_OPTIONS], useFactory: (o: FactoryOptions) => ({ ...o.metadata }) },
        DiscoveryRegistry,
      ],
      exports: [DiscoveryRegistry],
    };
  }
}
