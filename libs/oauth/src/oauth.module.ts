import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { TOKEN_ENDPOINT_URL } from '@app/auth';
import { APP_CONFIG, AppConfig, normalizePathPrefix, ROOT_APP_CONFIG } from '@app/common';
import { AuthorizationCodeService } from './authorization-code/authorization-code.service';
import { IntrospectionController } from './introspection/introspection.controller';
import { IntrospectionService } from './introspection/introspection.service';
import { JwksController } from './jwks/jwks.controller';
import { OAuthDiscovery } from './oauth-discovery';
import { OAUTH_OPTIONS, oauthConfig, OAuthModuleAsyncOptions, OAuthModuleOptions, ResolvedOAuthOptions, resolveGrantTypes } from './oauth.options';
import { TokenRevocationController } from './token-revocation/token-revocation.controller';
import { TokenRevocationService } from './token-revocation/token-revocation.service';
import { TokenClientAuthGuard } from './token/token-client-auth.guard';
import { TokenIssuer } from './token/token-issuer.service';
import { TokenController } from './token/token.controller';
import { TokenService } from './token/token.service';

type FactoryOptions = Omit<OAuthModuleOptions, 'pathPrefix'>;
const FACTORY_OPTIONS = Symbol('OAUTH_FACTORY_OPTIONS');

/**
 * The OAuth 2.0 token service: /token (with the authorization_code grant), /introspect (RFC 7662),
 * /revoke (RFC 7009), /jwks, at `{pathPrefix}/…`. Needs AppConfigModule, StoreModule, AuthModule
 * and SessionsCoreModule (all global) in the host. Options left out keep the server's
 * configuration; inside the module, AppConfig reads as the server's with the options applied.
 * Global: SignInModule issues its authorization codes through this module's services.
 */
@Global()
@Module({})
export class OAuthModule {
  static forRoot(options: OAuthModuleOptions = {}): DynamicModule {
    const { pathPrefix, ...rest } = options;
    return OAuthModule.build(pathPrefix, { provide: FACTORY_OPTIONS, useValue: rest });
  }

  /** Options from a factory; the path prefix is given directly, as it shapes routes. */
  static forRootAsync(options: OAuthModuleAsyncOptions): DynamicModule {
    return OAuthModule.build(options.pathPrefix, { provide: FACTORY_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, options.imports);
  }

  private static build(pathPrefix: string | undefined, factory: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
    const prefix = normalizePathPrefix(pathPrefix ?? '', 'OAuthModule', '/oauth2');
    return {
      module: OAuthModule,
      imports: [...imports, ...(prefix ? [RouterModule.register([{ path: prefix, module: OAuthModule }])] : [])],
      controllers: [TokenController, IntrospectionController, TokenRevocationController, JwksController],
      providers: [
        factory,
        { provide: APP_CONFIG, inject: [ROOT_APP_CONFIG, FACTORY_OPTIONS], useFactory: (root: AppConfig, o: FactoryOptions) => oauthConfig(root, o) },
        {
          provide: OAUTH_OPTIONS, inject: [FACTORY_OPTIONS],
          useFactory: (o: FactoryOptions): ResolvedOAuthOptions => ({ pathPrefix: prefix, grantTypes: resolveGrantTypes(o.grantTypes) }),
        },
        // A private_key_jwt assertion's aud may name the token endpoint (AuthModule reads it; this module is global).
        { provide: TOKEN_ENDPOINT_URL, inject: [APP_CONFIG], useFactory: (config: AppConfig) => `${config.issuer}${prefix}/token` },
        TokenIssuer, TokenService, IntrospectionService, TokenRevocationService, AuthorizationCodeService, TokenClientAuthGuard, OAuthDiscovery,
      ],
      exports: [TokenIssuer, TokenService, IntrospectionService, AuthorizationCodeService, OAUTH_OPTIONS, TOKEN_ENDPOINT_URL],
    };
  }
}
