import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { ClientAuthMethods, DEFAULT_ID_TOKEN_SIGNING_ALG, SIGNING_ALGORITHMS } from '@app/auth';
import { HttpConfig, InjectConfig } from '@app/common';
import { DiscoveryRegistry } from '@app/discovery';
import { OAUTH_OPTIONS, ResolvedOAuthOptions } from './oauth.options';
import { SCOPE_CLAIMS, USERINFO_CLAIMS } from './userinfo/user-claims';

/**
 * The token service's discovery entries (RFC 8414 §2, and OpenID Connect Discovery's
 * userinfo_endpoint), under the module's path prefix. The authorization_code grant is left to
 * SignInModule, which publishes it with /authorize: without that endpoint no code can exist. The client authentication methods are the registered ones
 * (ClientAuthMethods), a host's included.
 */
@Injectable()
export class OAuthDiscovery implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    @Inject(OAUTH_OPTIONS) private readonly options: ResolvedOAuthOptions,
    private readonly clientAuth: ClientAuthMethods,
    @Optional() private readonly registry?: DiscoveryRegistry,
  ) {}

  onModuleInit(): void {
    const base = `${this.http.issuer}${this.options.pathPrefix}`;
    const fixed = {
      token_endpoint: `${base}/token`,
      introspection_endpoint: `${base}/introspect`,
      revocation_endpoint: `${base}/revoke`,
      jwks_uri: `${base}/jwks`,
      userinfo_endpoint: `${base}/userinfo`,
      // Added to the base lists (arrays are merged): the scopes UserInfo answers and the claims it releases.
      scopes_supported: Object.keys(SCOPE_CLAIMS),
      claims_supported: [...USERINFO_CLAIMS],
      grant_types_supported: [...this.options.grantTypes].filter((g) => g !== 'authorization_code'),
      // The default first: what a client that registers no id_token_signed_response_alg gets.
      id_token_signing_alg_values_supported: [DEFAULT_ID_TOKEN_SIGNING_ALG, ...SIGNING_ALGORITHMS.filter((alg) => alg !== DEFAULT_ID_TOKEN_SIGNING_ALG)],
    };
    // Read when the document is asked for: the registry finds the methods in its own onModuleInit, which may come later.
    this.unregister = this.registry?.register(() => {
      const methods = [...this.clientAuth.names];
      const algorithms = this.clientAuth.signingAlgorithms.length > 0 ? [...this.clientAuth.signingAlgorithms] : undefined;
      return {
        ...fixed,
        token_endpoint_auth_methods_supported: methods,
        token_endpoint_auth_signing_alg_values_supported: algorithms,
        introspection_endpoint_auth_methods_supported: methods,
        introspection_endpoint_auth_signing_alg_values_supported: algorithms,
        revocation_endpoint_auth_methods_supported: methods,
        revocation_endpoint_auth_signing_alg_values_supported: algorithms,
      };
    });
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }
}
