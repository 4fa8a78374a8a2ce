import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthenticateClient, CurrentAuth, RequestAuth } from '@app/auth';
import { MaybeAsync } from '@app/common';
import { formParams, requireParam } from '../form-params';
import { IntrospectionResponseDto, OAuthErrorDto, TokenParamDto } from '../dto/oauth.dto';
import { IntrospectionResult, IntrospectionService } from './introspection.service';

@ApiTags('OAuth')
@Controller()
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @Post('introspect')
  @HttpCode(200)
  @AuthenticateClient()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Token introspection (RFC 7662)', description: 'Answers {"active":false} for expired, revoked, unknown or malformed tokens, and, with INTROSPECTION_POLICY=restricted, for tokens the calling client may not see (neither its own, nor naming it in aud, nor a client of INTROSPECTION_CLIENTS).' })
  @ApiBasicAuth('basic')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenParamDto })
  @ApiOkResponse({ type: IntrospectionResponseDto })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: 'invalid_request: missing or repeated token parameter' })
  @ApiUnauthorizedResponse({ type: OAuthErrorDto, description: 'invalid_client' })
  @ApiServiceUnavailableResponse({ type: OAuthErrorDto, description: 'The revocation state could not be read; nothing is reported active.' })
  introspect(@Body() body: unknown, @CurrentAuth() caller: RequestAuth): MaybeAsync<IntrospectionResult> {
    const params = formParams(body, ['token', 'token_type_hint'] as const);
    return this.introspection.introspect(requireParam(params, 'token'), caller.clientId);
  }
}
