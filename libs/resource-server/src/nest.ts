/** The NestJS part, apart so that the rest of the kit loads without Nest: `@revocation-server/resource-server/nest`. */
export { ResourceServerModule } from './nest/resource-server.module';
export { BearerTokenGuard } from './nest/bearer-token.guard';
export { RequireScopes } from './nest/require-scopes.decorator';
export { AllowAnonymous } from './nest/allow-anonymous.decorator';
export { VerifiedAccessToken } from './nest/verified-access-token.decorator';
export { RESOURCE_SERVER_OPTIONS } from './nest/resource-server.module-definition';
export { TOKEN_VERIFIER } from './nest/resource-server.options';
export type { ResourceServerModuleExtras, ResourceServerModuleOptions } from './nest/resource-server.options';
