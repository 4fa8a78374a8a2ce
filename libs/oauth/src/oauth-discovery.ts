import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/common';
import { DiscoveryRegistry } from '@app/discovery';
import { OAUTH_OPTIONS, ResolvedOAuthOptions } from './oauth.options';

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

/**
 * The token service's discovery entries (RFC 8414 §2), under the module's path prefix. The
 * authorization_code grant is left to SignInModule, which publishes it with /authorize: without
 * that endpoint no code can exist.
 */
@Injectable()
export class OAuthDiscovery implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OAUTH_OPTIONS) private readonly options: ResolvedOAuthOptions,
    @Optional() private readonly registry?: DiscoveryRegistry,
  ) {}

  onModuleInit(): void {
    const base = `${this.config.issuer}${this.options.pathPrefix}`;
    const entries = {
      token_endpoint: `${base}/token`,
      introspection_endpoint: `${base}/introspect`,
      revocation_endpoint: `${base}/revoke`,
      jwks_uri: `${base}/jwks`,
      grant_types_supported: [...this.options.grantTypes].filter((g) => g !== 'authorization_code'),
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      id_token_signing_alg_values_supported: ['ES256'],
    };
    this.unregister = this.registry?.register(() => entries);
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }
}
