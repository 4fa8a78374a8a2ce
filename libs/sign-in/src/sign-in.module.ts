import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpConfig, InjectConfig } from '@app/common';
import { DiscoveryRegistry } from '@app/discovery';
import { FeatureFlagService } from '@app/feature-flag';
import { OAUTH_OPTIONS, ResolvedOAuthOptions } from '@app/oauth';
import { AuthorizeController } from './authorize/authorize.controller';
import { AuthorizeService } from './authorize/authorize.service';
import { BrowserSessionService } from './browser/browser-session.service';
import { EndSessionController } from './end-session/end-session.controller';
import { EndSessionService } from './end-session/end-session.service';

/**
 * Browser sign-in and sign-out: the authorization endpoint with its sign-in form and single
 * sign-on (OpenID Connect Core 1.0, authorization code flow with PKCE), and RP-Initiated
 * Logout 1.0 (/end_session). Sessions are the store's user sessions, held by a cookie. Needs
 * OAuthModule (global, with the authorization_code grant) besides the foundation modules: its
 * /token redeems the codes.
 */
@Module({
  controllers: [AuthorizeController, EndSessionController],
  providers: [AuthorizeService, EndSessionService, BrowserSessionService],
})
export class SignInModule implements OnModuleInit {
  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    @Inject(OAUTH_OPTIONS) private readonly oauth: ResolvedOAuthOptions,
    private readonly discovery: DiscoveryRegistry,
    private readonly flags: FeatureFlagService,
  ) {}

  onModuleInit(): void {
    // Codes nobody could redeem: refuse to start rather than serve a sign-in that always fails.
    if (!this.oauth.grantTypes.has('authorization_code')) throw new Error('SignInModule needs the authorization_code grant of OAuthModule');
    const issuer = this.http.issuer;
    this.discovery.register(() => ({
      authorization_endpoint: `${issuer}/authorize`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      authorization_response_iss_parameter_supported: true,
      ...(this.flags.isEnabled('END_SESSION') ? { end_session_endpoint: `${issuer}/end_session` } : {}),
    }));
  }
}
