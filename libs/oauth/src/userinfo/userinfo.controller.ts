import { applyDecorators, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { BearerAuth, CurrentAuth, RequestAuth } from '@app/auth';
import { OAuthErrorDto } from '../dto/oauth.dto';
import { UserinfoResponseDto } from '../dto/userinfo.dto';
import { UserinfoService } from './userinfo.service';

/** What GET and POST share (Core §5.3.1: both are supported). */
const UserinfoRoute = (method: 'GET' | 'POST') =>
  applyDecorators(
    BearerAuth('openid'),
    // Personal data: never kept by a cache on the way.
    Header('Cache-Control', 'no-store'),
    Header('Pragma', 'no-cache'),
    ApiOperation({
      summary: `UserInfo endpoint (OpenID Connect Core 1.0 §5.3), ${method}`,
      description: 'The claims about the user of the access token (Authorization: Bearer), for the scopes it was granted: profile, email, address, phone, from the user\'s attributes (docs/audiences-and-userinfo.md). sub is always present; claims whose attribute the user lacks are left out. The token must carry openid and name this server in its aud.',
    }),
    ApiBearerAuth('bearer'),
    ApiOkResponse({ type: UserinfoResponseDto }),
    ApiUnauthorizedResponse({
      type: OAuthErrorDto,
      description: 'invalid_token, with WWW-Authenticate: Bearer error="invalid_token": no token, or one that is malformed, expired, revoked, of a suspended user, for another audience, a client\'s own, or of a user who no longer exists',
    }),
    ApiForbiddenResponse({ type: OAuthErrorDto, description: 'insufficient_scope: the token lacks openid' }),
    ApiServiceUnavailableResponse({ type: OAuthErrorDto, description: 'The revocation state or the user could not be read.' }),
  );

@ApiTags('OAuth')
@Controller('userinfo')
export class UserinfoController {
  constructor(private readonly userinfo: UserinfoService) {}

  @Get()
  @UserinfoRoute('GET')
  read(@CurrentAuth() auth: RequestAuth): Promise<Record<string, unknown>> {
    return this.userinfo.claimsOf(auth);
  }

  @Post()
  @HttpCode(200)
  @UserinfoRoute('POST')
  readByPost(@CurrentAuth() auth: RequestAuth): Promise<Record<string, unknown>> {
    return this.userinfo.claimsOf(auth);
  }
}
