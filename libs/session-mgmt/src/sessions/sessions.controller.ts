import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { CurrentAuth, RequestAuth } from '@app/auth';
import { RequireFeature } from '@app/feature-flag';
import { PingFederateErrorDto } from '../dto/ping-federate-error.dto';
import { SessionInfoDto } from '../dto/session-info.dto';
import { UserSessionStatusDto } from '../dto/user-session-status.dto';
import { SessionMgmtEndpoint } from '../session-mgmt-endpoint.decorator';
import { parseSri } from '../sri';
import { SessionMgmtService } from './session-mgmt.service';

/** Below the module's path prefix. */
export const SESSIONS_PATH = 'sessions';

/** PingFederate's Session Management API by session identifier (10.3 and later). */
@ApiTags('Session Management')
@Audited()
@RequireFeature('SESSION_MANAGEMENT_API')
@Controller(SESSIONS_PATH)
export class SessionsController {
  constructor(private readonly sessions: SessionMgmtService) {}

  @Get(':sri')
  @SessionMgmtEndpoint('session_management_api')
  @ApiOperation({ summary: 'A session: last activity, idle and maximum timeout, authentication source, client IP and user agent' })
  @ApiParam({ name: 'sri', description: 'The session reference identifier (pi.sri)' })
  @ApiOkResponse({ type: SessionInfoDto })
  @ApiNotFoundResponse({ type: PingFederateErrorDto, description: 'No valid session has this SRI (unknown, revoked or expired).' })
  describe(@Param('sri') sri: string): Promise<SessionInfoDto> {
    return this.sessions.describe(parseSri(sri));
  }

  @Post(':sri/revoke')
  @HttpCode(200)
  @SessionMgmtEndpoint('session_management_api')
  @ApiOperation({ summary: 'Revoke a session', description: 'Ends the session and adds its SRI to the session revocation list. Revoking it again answers 200 too.' })
  @ApiParam({ name: 'sri', description: 'The session reference identifier (pi.sri)' })
  @ApiOkResponse({ type: UserSessionStatusDto, description: '{"status":"SESSION_REVOKED"}' })
  @ApiNotFoundResponse({ type: PingFederateErrorDto, description: 'No session has this SRI.' })
  async revoke(@Param('sri') sri: string, @CurrentAuth() auth: RequestAuth): Promise<UserSessionStatusDto> {
    await this.sessions.revokeSession(parseSri(sri), auth.clientId);
    return { status: 'SESSION_REVOKED' };
  }
}
