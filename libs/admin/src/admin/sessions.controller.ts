import { Controller, Delete, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { CurrentAuth, RequestAuth } from '@app/auth';
import { invalidRequest } from '@app/common';
import { booleanQuery, QueryParams, textQuery } from '../validation/query-params';
import { AdminApi, ApiInvalidRequest, ApiNotFound } from './admin-api.decorators';
import { SessionViewDto } from './dto/session.dto';
import { SessionAdminService } from './session-admin.service';

const sessionId = ApiParam({ name: 'id', description: 'Session id (sid)' });

@Controller('admin/sessions')
@Audited()
@AdminApi()
export class SessionsController {
  constructor(private readonly sessions: SessionAdminService) {}

  @Get()
  @ApiOperation({ summary: 'List sessions', description: 'The sessions of one user (user is required), oldest first; with client_id or active, only those matching.' })
  @QueryParams('user', 'client_id', 'active')
  @ApiQuery({ name: 'user', required: true, description: 'The user\'s subject id' })
  @ApiQuery({ name: 'client_id', required: false, description: 'Sessions this client used' })
  @ApiQuery({ name: 'active', required: false, schema: { type: 'boolean' } })
  @ApiOkResponse({ type: [SessionViewDto] })
  @ApiInvalidRequest('invalid_request: no user, an unknown query parameter or a bad filter')
  @ApiNotFound('user')
  list(@Query('user') user: unknown, @Query('client_id') clientId: unknown, @Query('active') active: unknown): Promise<SessionViewDto[]> {
    const sub = textQuery('user', user, 64);
    if (sub === undefined) throw invalidRequest('user: required (the subject id whose sessions to list)');
    return this.sessions.listForUser(sub, { clientId: textQuery('client_id', clientId, 255), active: booleanQuery('active', active) });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a session' })
  @sessionId
  @ApiOkResponse({ type: SessionViewDto })
  @ApiNotFound('session')
  get(@Param('id') id: string): Promise<SessionViewDto> {
    return this.sessions.get(id);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Revoke a session',
    description: 'Ends the session as every revocation path does: back-channel logout and CAEP notifications are queued, its SRI goes on the session revocation list, and the tokens bound to it stop working. Revoking an ended session changes nothing. Answers the session afterwards.',
  })
  @sessionId
  @ApiOkResponse({ type: SessionViewDto })
  @ApiNotFound('session')
  // Not `revoke`: the Session Management API's SessionsController has one, and operation ids are Controller_method.
  revokeSession(@Param('id') id: string, @CurrentAuth() auth: RequestAuth): Promise<SessionViewDto> {
    return this.sessions.revoke(id, auth.clientId);
  }
}
