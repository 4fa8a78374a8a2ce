import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createTokenVerifier } from '../token-verifier';
import { BearerTokenGuard } from './bearer-token.guard';
import {
  ConfigurableResourceServerModule,
  RESOURCE_SERVER_ASYNC_OPTIONS_TYPE,
  RESOURCE_SERVER_OPTIONS,
  RESOURCE_SERVER_OPTIONS_TYPE,
} from './resource-server.module-definition';
import { TOKEN_VERIFIER, type ResourceServerModuleOptions } from './resource-server.options';

const GLOBAL_GUARD: Provider = { provide: APP_GUARD, useClass: BearerTokenGuard };

/**
 * Bearer token protection for a Nest application: `ResourceServerModule.forRoot({ issuer,
 * audience, … })` (or forRootAsync from a factory). Every route then needs a valid token unless
 * it says @AllowAnonymous(); @RequireScopes(…) adds the scopes a route needs. With
 * `protectAllRoutes: false`, only routes with @RequireScopes are protected.
 */
@Module({
  providers: [{ provide: TOKEN_VERIFIER, inject: [RESOURCE_SERVER_OPTIONS], useFactory: (options: ResourceServerModuleOptions) => createTokenVerifier(options) }, BearerTokenGuard],
  exports: [TOKEN_VERIFIER, RESOURCE_SERVER_OPTIONS, BearerTokenGuard],
})
export class ResourceServerModule extends ConfigurableResourceServerModule {
  static override forRoot(options: typeof RESOURCE_SERVER_OPTIONS_TYPE): DynamicModule {
    return withGlobalGuard(super.forRoot(options), options.protectAllRoutes);
  }

  static override forRootAsync(options: typeof RESOURCE_SERVER_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withGlobalGuard(super.forRootAsync(options), options.protectAllRoutes);
  }
}

function withGlobalGuard(module: DynamicModule, protectAllRoutes = true): DynamicModule {
  return protectAllRoutes ? { ...module, providers: [...(module.providers ?? []), GLOBAL_GUARD] } : module;
}
