import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { CurrentAuth, RequestAuth } from '@app/auth';
import { RequireFeature } from '@app/feature-flag';
import { UserSessionStatusDto } from '../dto/user-session-status.dto';
import { SessionMgmtService } from '../sessions/session-mgmt.service';
import { SessionMgmtEndpoint } from '../session-mgmt-endpoint.decorator';
import { parseUserKey } from '../user-key';

/** Below the module's path prefix. */
export const USERS_PATH = 'users';

/** PingFederate's Session Management API by user identifier (10.3 and later). */
@ApiTags('Session Management')
@Audited()
@RequireFeature('SESSION_MANAGEMENT_API')
@Controller(USERS_PATH)
export class UsersController {
  constructor(private readonly sessions: SessionMgmtService) {}

  @Get(':userKey')
  @SessionMgmtEndpoint('session_management_api')
  @ApiOperation({ summary: 'Whether a user has valid sessions', description: 'The user key is matched against the configured user attribute (SESSION_USER_KEY_ATTRIBUTE, default uid); URL-encode it (@ is %40).' })
  @ApiParam({ name: 'userKey', description: 'URL-encoded value of the user key attribute', example: 'breakfast' })
  @ApiOkResponse({ type: UserSessionStatusDto })
  async status(@Param('userKey') userKey: string): Promise<UserSessionStatusDto> {
    return { status: await this.sessions.userStatus(parseUserKey(userKey)) };
  }

  @Post(':userKey/revoke')
  @HttpCode(200)
  @SessionMgmtEndpoint('session_management_api')
  @ApiOperation({ summary: 'Revoke every session of a user', description: 'Ends each session and adds its SRI to the session revocation list; answers the user\'s status afterwards.' })
  @ApiParam({ name: 'userKey', description: 'URL-encoded value of the user key attribute', example: 'breakfast' })
  @ApiOkResponse({ type: UserSessionStatusDto })
  async revoke(@Param('userKey') userKey: string, @CurrentAuth() auth: RequestAuth): Promise<UserSessionStatusDto> {
    return { status: await this.sessions.revokeUser(parseUserKey(userKey), auth.clientId) };
  }
}
