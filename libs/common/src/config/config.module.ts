import { DynamicModule, FactoryProvider, Global, Inject, InjectionToken, Module, Provider } from '@nestjs/common';
import type { ConfigOverrides, ConfigSlice, ServerConfig } from './config-slices';
import { loadServerConfig, withOverrides } from './server-config';

/** The whole configuration, for what reads across slices (bootstrap, the CLI). */
export const SERVER_CONFIG = Symbol('SERVER_CONFIG');

const SLICE_TOKENS = {} as Record<ConfigSlice, symbol>;

/** The injection token of one slice; a feature module that takes options provides its own slice under it. */
export function configSliceToken(slice: ConfigSlice): symbol {
  return (SLICE_TOKENS[slice] ??= Symbol(`config.${slice}`));
}

/** Injects one slice of the server's configuration: `@InjectConfig('tokens') tokens: TokenConfig`. */
export const InjectConfig = (slice: ConfigSlice): PropertyDecorator & ParameterDecorator => Inject(configSliceToken(slice));

/**
 * A module's own view of a slice: the server's (`SERVER_CONFIG`) with the module's options applied.
 * Readers inside the module get it; readers elsewhere keep the server's, so an option may only
 * shape what the module alone reads.
 */
export function provideConfigSlice<K extends ConfigSlice, O>(
  slice: K, optionsToken: InjectionToken, apply: (server: ServerConfig[K], options: O) => ServerConfig[K],
): FactoryProvider {
  return { provide: configSliceToken(slice), inject: [SERVER_CONFIG, optionsToken], useFactory: (server: ServerConfig, o: O) => apply(server[slice], o) };
}

/** Provides the validated configuration everywhere, validated once; tests and hosts pass their own overrides. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(overrides: ConfigOverrides = {}): DynamicModule {
    const config = withOverrides(loadServerConfig(), overrides);
    const slices: Provider[] = (Object.keys(config) as ConfigSlice[]).map((slice) => ({ provide: configSliceToken(slice), useValue: config[slice] }));
    return {
      module: AppConfigModule,
      providers: [{ provide: SERVER_CONFIG, useValue: config }, ...slices],
      exports: [SERVER_CONFIG, ...slices],
    };
  }
}
