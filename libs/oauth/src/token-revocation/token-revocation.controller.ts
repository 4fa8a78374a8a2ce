import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { AuthenticateClient, CurrentAuth, RequestAuth } from '@app/auth';
import { formParams, requireParam } from '../form-params';
import { OAuthErrorDto, TokenParamDto } from '../dto/oauth.dto';
import { TokenRevocationService } from './token-revocation.service';

@ApiTags('OAuth')
@Controller()
export class TokenRevocationController {
  constructor(private readonly revocation: TokenRevocationService) {}

  @Post('revoke')
  @Audited()
  @HttpCode(200)
  @AuthenticateClient()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Token revocation (RFC 7009)', description: 'Revokes an access or refresh token of the calling client. Unknown tokens also answer 200.' })
  @ApiBasicAuth('basic')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenParamDto })
  @ApiOkResponse({ description: 'Revoked, or nothing to revoke.' })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: 'invalid_request, or unauthorized_client for a token of another client' })
  @ApiUnauthorizedResponse({ type: OAuthErrorDto, description: 'invalid_client' })
  async revoke(@Body() body: unknown, @CurrentAuth() auth: RequestAuth): Promise<void> {
    const params = formParams(body, ['token', 'token_type_hint'] as const);
    await this.revocation.revoke(auth.clientId, requireParam(params, 'token'));
  }
}
