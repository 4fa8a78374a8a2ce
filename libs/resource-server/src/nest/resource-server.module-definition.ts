import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ResourceServerModuleExtras, ResourceServerModuleOptions } from './resource-server.options';

export const {
  ConfigurableModuleClass: ConfigurableResourceServerModule,
  MODULE_OPTIONS_TOKEN: RESOURCE_SERVER_OPTIONS,
  OPTIONS_TYPE: RESOURCE_SERVER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: RESOURCE_SERVER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ResourceServerModuleOptions>()
  .setClassMethodName('forRoot')
  // Global, so that @RequireScopes' guard resolves the verifier in whichever module the controller is.
  .setExtras<ResourceServerModuleExtras>({ protectAllRoutes: true }, (definition) => ({ ...definition, global: true }))
  .build();
