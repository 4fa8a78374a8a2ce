import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { BearerTokenAuthentication } from './authentication/bearer-token-authentication.service';
import { ClientAuthentication } from './authentication/client-authentication.service';
import { AuthFailureLimiter } from './client-auth/auth-failure-limiter.service';
import { ClientAuthMethods } from './client-auth/client-auth-methods.service';
import { ClientAuthenticator } from './client-auth/client-authenticator.service';
import { ClientKeySets } from './client-auth/client-key-sets.service';
import { ClientSecretBasic } from './client-auth/methods/client-secret-basic.method';
import { ClientSecretPost } from './client-auth/methods/client-secret-post.method';
import { PrivateKeyJwt } from './client-auth/methods/private-key-jwt.method';
import { AuthPolicyGuard } from './guards/auth-policy.guard';
import { ClientAuthGuard } from './guards/client-auth.guard';
import { SigningKeyService } from './keys/signing-key.service';
import { SessionActivityService } from './sessions/session-activity.service';
import { SriCodec } from './sessions/sri-codec.service';
import { ClientCache } from './state/client-cache.service';
import { RevocationFeedFollower } from './state/revocation-feed-follower.service';
import { RevocationIndex } from './state/revocation-index.service';
import { ReferenceTokenCodec } from './tokens/reference-token-codec.service';
import { TokenSigner } from './tokens/token-signer.service';
import { TokenStatusService } from './tokens/token-status.service';

const EXPORTED = [
  ClientAuthenticator, ClientAuthentication, ClientAuthGuard, ClientAuthMethods, ClientKeySets, BearerTokenAuthentication, SigningKeyService, TokenSigner, TokenStatusService,
  SessionActivityService, RevocationIndex, RevocationFeedFollower, ClientCache, SriCodec, ReferenceTokenCodec,
];

/**
 * Client authentication, bearer tokens, signing keys and token status; every route must declare
 * its policy, and AuthPolicyGuard enforces it. The built-in client authentication methods are providers like a host's own
 * (`@ClientAuthenticationMethod()`), found by ClientAuthMethods through Nest's DiscoveryService.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [...EXPORTED, AuthFailureLimiter, ClientSecretBasic, ClientSecretPost, PrivateKeyJwt, { provide: APP_GUARD, useClass: AuthPolicyGuard }],
  exports: [...EXPORTED, AuthFailureLimiter],
})
export class AuthModule {}
