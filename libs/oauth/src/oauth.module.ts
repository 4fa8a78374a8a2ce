import { Module } from '@nestjs/common';
import { AuthorizationCodeService } from './authorization-code/authorization-code.service';
import { IntrospectionController } from './introspection/introspection.controller';
import { IntrospectionService } from './introspection/introspection.service';
import { JwksController } from './jwks/jwks.controller';
import { TokenRevocationController } from './token-revocation/token-revocation.controller';
import { TokenRevocationService } from './token-revocation/token-revocation.service';
import { TokenClientAuthGuard } from './token/token-client-auth.guard';
import { TokenIssuer } from './token/token-issuer.service';
import { TokenController } from './token/token.controller';
import { TokenService } from './token/token.service';

/** The OAuth 2.0 token service: /token (with the authorization_code grant), /introspect (RFC 7662), /revoke (RFC 7009), /jwks. */
@Module({
  controllers: [TokenController, IntrospectionController, TokenRevocationController, JwksController],
  providers: [TokenIssuer, TokenService, IntrospectionService, TokenRevocationService, AuthorizationCodeService, TokenClientAuthGuard],
  exports: [TokenIssuer, TokenService, IntrospectionService, AuthorizationCodeService],
})
export class OAuthModule {}
