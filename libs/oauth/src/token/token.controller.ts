import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentAuth, CustomAuth, RequestAuth } from '@app/auth';
import { connectionSignal } from '@app/common';
import { formParams } from '../form-params';
import { resourceParams } from '../resource-indicators';
import { OAuthErrorDto, TokenRequestDto, TokenResponseDto } from '../dto/oauth.dto';
import { TokenResponse } from './token-issuer.service';
import { TokenClientAuthGuard } from './token-client-auth.guard';
import { TOKEN_PARAMS, TokenService } from './token.service';

@ApiTags('OAuth')
@Controller()
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @HttpCode(200)
  @CustomAuth(TokenClientAuthGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'Token endpoint (RFC 6749)',
    description: 'client_credentials, password (creates a user session), refresh_token (rotating) and authorization_code (from /authorize; PKCE S256, required of public clients, which send only client_id).',
  })
  @ApiBasicAuth('basic')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenRequestDto })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: 'invalid_request, invalid_grant, invalid_scope, invalid_target (RFC 8707: a resource malformed, not registered for the client, or outside the grant), unauthorized_client, unsupported_grant_type' })
  @ApiUnauthorizedResponse({ type: OAuthErrorDto, description: 'invalid_client (with WWW-Authenticate)' })
  @ApiTooManyRequestsResponse({
    type: OAuthErrorDto,
    description: 'With Retry-After: invalid_grant, too many failed sign-ins for this username or from this address (password grant); too_many_requests, too many failed client authentications',
  })
  token(@Body() body: unknown, @CurrentAuth() auth: RequestAuth, @Req() req: FastifyRequest): Promise<TokenResponse> {
    const params = { ...formParams(body, TOKEN_PARAMS), resource: resourceParams(body) };
    return this.tokens.exchange(auth.client!, params, { ip: req.ip, userAgent: req.headers['user-agent'], signal: connectionSignal(req) });
  }
}
