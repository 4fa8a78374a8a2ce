import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '@app/audit';
import { CurrentAuth, RequestAuth } from '@app/auth';
import { fixedBody, pingFederateErrorBody } from '@app/common';
import { RequireFeature } from '@app/feature-flag';
import { PingFederateErrorDto } from '../dto/ping-federate-error.dto';
import { RevokedSriDto } from '../dto/revoked-sri.dto';
import { SessionMgmtEndpoint } from '../session-mgmt-endpoint.decorator';
import { SessionMgmtErrors } from '../session-mgmt.errors';
import { ResolvedSessionMgmtOptions, SESSION_MGMT_OPTIONS } from '../session-mgmt.options';
import { parseSri, parseUpdateActivityTime } from '../sri';
import { RevocationListService } from './revocation-list.service';

const NOT_REVOKED = fixedBody(pingFederateErrorBody(SessionMgmtErrors.sriNotRevoked()) as PingFederateErrorDto);

/** Below the module's path prefix. */
export const REVOKED_SRIS_PATH = 'revokedSris';

/** PingFederate's Session Revocation API: ../shared/seeds/pingfederate-session-revocation-api.txt. */
@ApiTags('Session Management')
@Audited()
@RequireFeature('SESSION_REVOCATION_API')
@Controller(REVOKED_SRIS_PATH)
export class RevokedSrisController {
  constructor(private readonly list: RevocationListService, @Inject(SESSION_MGMT_OPTIONS) private readonly options: ResolvedSessionMgmtOptions) {}

  @Post()
  @HttpCode(201)
  @SessionMgmtEndpoint('session_revocation_api', { jsonBody: true })
  @ApiOperation({
    summary: 'Add a session to the revocation list',
    description: 'The id is the pi.sri claim of the session\'s ID and access tokens. An id this server never issued is listed too. The session ends, and tokens bound to it become inactive when their client checks the session revocation status (on by default).',
  })
  @ApiConsumes('application/json')
  @ApiBody({ type: RevokedSriDto, examples: { seed: { value: { id: 'abc123' } } } })
  @ApiCreatedResponse({ description: 'The session is added to the revocation list (Location names its entry).' })
  async add(@Body() body: unknown, @CurrentAuth() auth: RequestAuth, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const sri = parseSri(idOf(body));
    await this.list.revoke(sri, auth.clientId);
    reply.header('Location', `${this.options.pathPrefix}/${REVOKED_SRIS_PATH}/${encodeURIComponent(sri)}`);
  }

  @Get(':id')
  @SessionMgmtEndpoint('session_revocation_api')
  @ApiOperation({
    summary: 'Revocation status of a session',
    description: 'Also extends a valid session by its idle timeout (the authentication source\'s override, else the global one), unless updateActivityTime=false; the store is written only when less than 75% of the idle window remains.',
  })
  @ApiParam({ name: 'id', description: 'The session reference identifier (pi.sri)', example: 'abc123' })
  @ApiQuery({ name: 'updateActivityTime', required: false, enum: ['true', 'false'], description: 'false: query without extending the session' })
  @ApiOkResponse({ type: RevokedSriDto, description: 'The session is on the revocation list.' })
  @ApiNotFoundResponse({ type: PingFederateErrorDto, description: '{"resultId":"session_mgmt_sri_not_revoked","message":"The SRI has not been revoked."}' })
  async status(
    @Param('id') id: string, @Query('updateActivityTime') updateActivityTime: unknown, @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevokedSriDto | PingFederateErrorDto> {
    const sri = parseSri(id);
    if (await this.list.isRevoked(sri, parseUpdateActivityTime(updateActivityTime))) return { id: sri };
    // Half of all status checks: answered as a value, not thrown, since an exception and its
    // filter cost more than the check. The body is the one the filter would write.
    reply.code(404);
    return NOT_REVOKED;
  }
}

/** `{"id": "<sri>"}`; other members are ignored. */
function idOf(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('id' in body) || typeof body.id !== 'string') throw SessionMgmtErrors.invalidBody();
  return body.id;
}
