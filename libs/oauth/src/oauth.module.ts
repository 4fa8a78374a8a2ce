import { ConfigurableModuleBuilder, DynamicModule, Global, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { TOKEN_ENDPOINT_URL } from '@app/auth';
import { configSliceToken, HttpConfig, normalizePathPrefix, provideConfigSlice } from '@app/common';
import { AuthorizationCodeService } from './authorization-code/authorization-code.service';
import { IntrospectionController } from './introspection/introspection.controller';
import { IntrospectionService } from './introspection/introspection.service';
import { JwksController } from './jwks/jwks.controller';
import { OAuthDiscovery } from './oauth-discovery';
import {
  OAUTH_OPTIONS, oauthTokenConfig, OAuthFactoryOptions, OAuthModuleExtras, OAuthModuleOptions, ResolvedOAuthOptions, resolveGrantTypes,
} from './oauth.options';
import { TokenRevocationController } from './token-revocation/token-revocation.controller';
import { TokenRevocationService } from './token-revocation/token-revocation.service';
import { TokenClientAuthGuard } from './token/token-client-auth.guard';
import { TokenIssuer } from './token/token-issuer.service';
import { TokenController } from './token/token.controller';
import { TokenService } from './token/token.service';
import { UserinfoController } from './userinfo/userinfo.controller';
import { UserinfoService } from './userinfo/userinfo.service';

/** The options of forRoot, or of forRootAsync's factory, less the path prefix. */
const FACTORY_OPTIONS = Symbol('OAUTH_FACTORY_OPTIONS');

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<OAuthFactoryOptions>({ optionsInjectionToken: FACTORY_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras<OAuthModuleExtras>({ pathPrefix: undefined }, (definition, { pathPrefix }): DynamicModule => {
    const prefix = normalizePathPrefix(pathPrefix ?? '', 'OAuthModule', '/oauth2');
    return {
      ...definition,
      imports: [...(definition.imports ?? []), ...(prefix ? [RouterModule.register([{ path: prefix, module: definition.module }])] : [])],
      providers: [
        ...(definition.providers ?? []),
        {
          provide: OAUTH_OPTIONS, inject: [FACTORY_OPTIONS],
          useFactory: (o: OAuthFactoryOptions): ResolvedOAuthOptions => ({ pathPrefix: prefix, grantTypes: resolveGrantTypes(o.grantTypes) }),
        },
        // A private_key_jwt assertion's aud may name the token endpoint (AuthModule reads it; this module is global).
        { provide: TOKEN_ENDPOINT_URL, inject: [configSliceToken('http')], useFactory: (http: HttpConfig) => `${http.issuer}${prefix}/token` },
      ],
    };
  })
  .build();

/**
 * The OAuth 2.0 token service: /token (with the authorization_code grant), /introspect (RFC 7662),
 * /revoke (RFC 7009), /jwks and OpenID Connect's /userinfo, at `{pathPrefix}/…`. Needs
 * AppConfigModule, StoreModule, AuthModule and SessionsCoreModule (all global) in the host. Options left out keep the server's
 * configuration; inside the module, the `tokens` slice reads as the server's with the options applied.
 * `forRootAsync` takes the options from a factory, `pathPrefix` directly.
 * Global: SignInModule issues its authorization codes through this module's services.
 */
@Global()
@Module({
  controllers: [TokenController, IntrospectionController, TokenRevocationController, JwksController, UserinfoController],
  providers: [
    provideConfigSlice('tokens', FACTORY_OPTIONS, oauthTokenConfig),
    TokenIssuer, TokenService, IntrospectionService, TokenRevocationService, AuthorizationCodeService, TokenClientAuthGuard, OAuthDiscovery, UserinfoService,
  ],
  exports: [TokenIssuer, TokenService, IntrospectionService, AuthorizationCodeService, OAUTH_OPTIONS, TOKEN_ENDPOINT_URL],
})
export class OAuthModule extends ConfigurableModuleClass {
  static override forRoot(options: OAuthModuleOptions = {}): DynamicModule {
    return super.forRoot(options);
  }
}
