import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AuthFailureLimiter } from './client-auth/auth-failure-limiter.service';
import { ClientAuthenticator } from './client-auth/client-authenticator.service';
import { AuthPolicyGuard } from './guards/auth-policy.guard';
import { BearerTokenGuard } from './guards/bearer-token.guard';
import { ClientAuthGuard } from './guards/client-auth.guard';
import { SigningKeyService } from './keys/signing-key.service';
import { SessionActivityService } from './sessions/session-activity.service';
import { RevocationIndex } from './state/revocation-index.service';
import { ClientBasicStrategy } from './strategies/client-basic.strategy';
import { TokenSigner } from './tokens/token-signer.service';
import { TokenStatusService } from './tokens/token-status.service';

const EXPORTED = [ClientAuthenticator, ClientAuthGuard, BearerTokenGuard, SigningKeyService, TokenSigner, TokenStatusService, SessionActivityService, RevocationIndex];

/** Client authentication, bearer tokens, signing keys and token status; every route must declare its policy. */
@Global()
@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [...EXPORTED, AuthFailureLimiter, ClientBasicStrategy, { provide: APP_GUARD, useClass: AuthPolicyGuard }],
  exports: [...EXPORTED, AuthFailureLimiter],
})
export class AuthModule {}
