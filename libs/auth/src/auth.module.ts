import { FactoryProvider, Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { configSliceToken, HashingConfig, OutboundHttp, OutboundUrlPolicy } from '@app/common';
import { SessionTrackingModule } from '@app/sessions/core';
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
import { SigningKeyRotation } from './keys/signing-key-rotation.service';
import { SigningKeyService } from './keys/signing-key.service';
import { HashAdmission } from './secrets/hash-admission';
import { hashAdmission } from './secrets/secret-hasher';
import { ClientCache } from './state/client-cache.service';
import { RevocationFeedFollower } from './state/revocation-feed-follower.service';
import { RevocationIndex } from './state/revocation-index.service';
import { ReferenceTokenCodec } from './tokens/reference-token-codec.service';
import { TokenSigner } from './tokens/token-signer.service';
import { TokenStatusService } from './tokens/token-status.service';
import { PasswordSignIn } from './user-sign-in/password-sign-in.service';
import { SignInThrottle } from './user-sign-in/sign-in-throttle.service';

/** The process's one hashing gate, sized by the `hashing` slice (HASH_CONCURRENCY, HASH_QUEUE). */
const HASHING: FactoryProvider<HashAdmission> = {
  provide: HashAdmission, inject: [configSliceToken('hashing')], useFactory: (hashing: HashingConfig) => hashAdmission.configure(hashing),
};

const EXPORTED = [
  ClientAuthenticator, ClientAuthentication, ClientAuthGuard, ClientAuthMethods, ClientKeySets, BearerTokenAuthentication, SigningKeyService, TokenSigner, TokenStatusService,
  RevocationIndex, RevocationFeedFollower, ClientCache, ReferenceTokenCodec, SigningKeyRotation, PasswordSignIn, SignInThrottle,
];

/**
 * Client authentication, bearer tokens, signing keys and token status; every route must declare
 * its policy, and AuthPolicyGuard enforces it. The built-in client authentication methods are providers like a host's own
 * (`@ClientAuthenticationMethod()`), found by ClientAuthMethods through Nest's DiscoveryService.
 */
@Global()
@Module({
  // Global: SessionActivityService and SriCodec, which the revocation index and token status use, reach every host of AuthModule.
  imports: [DiscoveryModule, SessionTrackingModule],
  // OutboundHttp: ClientKeySets fetches jwks_uri within the outbound URL policy.
  providers: [...EXPORTED, HASHING, AuthFailureLimiter, OutboundUrlPolicy, OutboundHttp, ClientSecretBasic, ClientSecretPost, PrivateKeyJwt, { provide: APP_GUARD, useClass: AuthPolicyGuard }],
  exports: [...EXPORTED, HashAdmission, AuthFailureLimiter],
})
export class AuthModule {}
