// The package's main entry: the modules a host mounts, their options, and the decorators that
// protect a host's own routes. Everything else a library exports is under its own subpath
// (`@revocation-server/nest/store`, `…/auth`, …); `export *` of every library here would clash
// on shared names and load every module for any import.
export { AppConfigModule, configSliceToken, InjectConfig, OAuthExceptionFilter, SERVER_CONFIG } from '@app/common';
export type { ConfigOverrides, ConfigSlice, ServerConfig } from '@app/common';
export { StoreModule } from '@app/store';
export type { StoreModuleAsyncOptions, StoreModuleOptions } from '@app/store';
export { SessionEvents, SessionNotificationsModule, SessionsCoreModule, SessionTrackingModule } from '@app/sessions';
export { AuthenticateClient, AuthModule, BearerAuth, ClientAuthenticationMethod, CurrentAuth, CustomAuth, PassportClientAuthMethod, Public } from '@app/auth';
export type { ClientAuthMethod, ClientAuthRequest, RequestAuth } from '@app/auth';
export { StoreUserDirectory } from '@app/users';
export type { UserDirectory, UserDirectoryBinding } from '@app/users';
export { FeatureFlagModule } from '@app/feature-flag';
export type { FeatureFlagModuleAsyncOptions, FeatureFlagModuleOptions } from '@app/feature-flag';
export { RevocationModule } from '@app/revocation';
export type { RevocationModuleAsyncOptions, RevocationModuleOptions } from '@app/revocation';
export { SessionMgmtModule } from '@app/session-mgmt';
export type { SessionMgmtModuleAsyncOptions, SessionMgmtModuleOptions } from '@app/session-mgmt';
export { AuditModule } from '@app/audit';
export type { AuditModuleOptions, AuditSink } from '@app/audit';
export { DiscoveryModule, DiscoveryRegistry } from '@app/discovery';
export type { DiscoveryModuleAsyncOptions, DiscoveryModuleOptions } from '@app/discovery';
export { OAuthModule } from '@app/oauth';
export type { OAuthModuleAsyncOptions, OAuthModuleOptions } from '@app/oauth';
export { SignInModule } from '@app/sign-in';
export { MetricsModule, MetricsService } from '@app/metrics';
export type { MetricsOptions } from '@app/metrics';
export { StatusListModule } from '@app/status-list';
export { AdminModule } from '@app/admin';
export { SsfModule } from '@app/shared-signals';
