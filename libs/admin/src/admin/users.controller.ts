import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { CurrentAuth, RequestAuth } from '@app/auth';
import { invalidRequest } from '@app/common';
import { MERGE_PATCH_TYPE } from '../validation/merge-patch';
import { booleanQuery, QueryParams, textQuery } from '../validation/query-params';
import { IntQuery, ValidBody } from '../validation/valid-body.pipe';
import { validateBody } from '../validation/validate-dto';
import { AdminApi, ApiConflict, ApiInvalidRequest, ApiNotFound } from './admin-api.decorators';
import { SessionViewDto, UserSessionsRevokedDto } from './dto/session.dto';
import { ATTRIBUTE_NAME, UserInputDto, UserPatchDto, UserViewDto } from './dto/user.dto';
import { SessionAdminService } from './session-admin.service';
import { MAX_PAGE, UserAdminService } from './user-admin.service';

const sub = ApiParam({ name: 'id', description: 'The user\'s subject id (sub)' });

/** `attr.NAME=VALUE` query parameters: users holding attribute NAME with exactly VALUE. */
const ATTRIBUTE_FILTER = 'attr.';

/** The attribute filters of a user listing: `uid` and every `attr.NAME`, all of which a user must hold. */
export function userAttributeFilter(query: Record<string, unknown>): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [param, value] of Object.entries(query)) {
    const name = param === 'uid' ? 'uid' : param.startsWith(ATTRIBUTE_FILTER) ? param.slice(ATTRIBUTE_FILTER.length) : undefined;
    if (name === undefined) continue;
    if (!ATTRIBUTE_NAME.test(name)) throw invalidRequest(`${param}: ${JSON.stringify(name.slice(0, 64))} is not a valid attribute name`);
    if (name in filter && filter[name] !== value) throw invalidRequest(`${param}: ${name} is filtered twice with different values`);
    filter[name] = textQuery(param, value)!;
  }
  return filter;
}

@Controller('admin/users')
@Audited()
@AdminApi()
export class UsersController {
  constructor(private readonly users: UserAdminService, private readonly sessions: SessionAdminService) {}

  @Get()
  @ApiOperation({
    summary: 'List users with their attributes',
    description: 'Oldest first; with filters, only the users matching every one. Any other query parameter is refused (400).',
  })
  @QueryParams('limit', 'offset', 'uid', ATTRIBUTE_FILTER, 'disabled')
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiQuery({ name: 'uid', required: false, description: 'Users with this uid (exact)' })
  @ApiQuery({ name: 'attr.NAME', required: false, description: 'Users whose attribute NAME is exactly this value, e.g. attr.mail=breakfast@example.com; repeat with other names' })
  @ApiQuery({ name: 'disabled', required: false, schema: { type: 'boolean' } })
  @ApiOkResponse({ type: [UserViewDto] })
  @ApiInvalidRequest('invalid_request: an unknown query parameter, a bad limit, offset or filter')
  list(
    @Query('limit', new IntQuery('limit', 1, MAX_PAGE, 100)) limit: number,
    @Query('offset', new IntQuery('offset', 0, 1_000_000_000, 0)) offset: number,
    @Query() query: Record<string, unknown>,
  ): Promise<UserViewDto[]> {
    return this.users.list(limit, offset, { attributes: userAttributeFilter(query), disabled: booleanQuery('disabled', query.disabled) });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user' })
  @sub
  @ApiOkResponse({ type: UserViewDto })
  @ApiNotFound('user')
  get(@Param('id') id: string): Promise<UserViewDto> {
    return this.users.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a user', description: 'The uid is stored as the attribute uid; the password is stored hashed. Without sub, a random UUID is the subject id.' })
  @ApiBody({ type: UserInputDto })
  @ApiCreatedResponse({ type: UserViewDto })
  @ApiInvalidRequest()
  @ApiConflict('a user with this uid or sub exists')
  create(@Body(new ValidBody(UserInputDto)) body: UserInputDto): Promise<UserViewDto> {
    return this.users.create(body);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change some of a user',
    description: 'An RFC 7396 JSON merge patch (application/merge-patch+json; application/json is taken too): attributes set (a string) or removed (null), the password set or removed (null), disabled true or false. Members left out stay.',
  })
  @sub
  @ApiConsumes(MERGE_PATCH_TYPE, 'application/json')
  @ApiBody({ type: UserPatchDto })
  @ApiOkResponse({ type: UserViewDto })
  @ApiInvalidRequest()
  @ApiNotFound('user')
  @ApiConflict('another user has this uid')
  update(@Param('id') id: string, @Body() patch: unknown): Promise<UserViewDto> {
    return this.users.update(id, validateBody(UserPatchDto, patch));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user', description: 'Their sessions are revoked (and their SRIs listed) and every token they hold stops working.' })
  @sub
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFound('user')
  remove(@Param('id') id: string, @CurrentAuth() auth: RequestAuth): Promise<void> {
    return this.users.remove(id, auth.clientId);
  }

  @Post(':id/suspend')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Suspend a user',
    description: 'A reversible hold: every token of theirs answers inactive at introspection and SUSPENDED (2) in the token status lists until they are resumed. Suspending a suspended user changes nothing.',
  })
  @sub
  @ApiNoContentResponse({ description: 'Suspended' })
  @ApiNotFound('user')
  suspend(@Param('id') id: string, @CurrentAuth() auth: RequestAuth): Promise<void> {
    return this.users.suspend(id, auth.clientId);
  }

  @Post(':id/resume')
  @HttpCode(204)
  @ApiOperation({ summary: 'Resume a suspended user', description: 'Their tokens that were not otherwise revoked are good again (VALID in the token status lists).' })
  @sub
  @ApiNoContentResponse({ description: 'Resumed' })
  @ApiNotFound('user')
  resume(@Param('id') id: string): Promise<void> {
    return this.users.resume(id);
  }

  @Get(':id/sessions')
  @ApiOperation({ summary: 'List a user\'s sessions', description: 'Live, ended and revoked, oldest first; with filters, only those matching every one.' })
  @sub
  @QueryParams('client_id', 'active')
  @ApiQuery({ name: 'client_id', required: false, description: 'Sessions this client used' })
  @ApiQuery({ name: 'active', required: false, schema: { type: 'boolean' }, description: 'true: only sessions still usable; false: only ended ones' })
  @ApiOkResponse({ type: [SessionViewDto] })
  @ApiInvalidRequest('invalid_request: an unknown query parameter or a bad filter')
  @ApiNotFound('user')
  sessionsOf(@Param('id') id: string, @Query('client_id') clientId: unknown, @Query('active') active: unknown): Promise<SessionViewDto[]> {
    return this.sessions.listForUser(id, { clientId: textQuery('client_id', clientId, 255), active: booleanQuery('active', active) });
  }

  @Delete(':id/sessions')
  @ApiOperation({
    summary: 'Revoke every session of a user',
    description: 'Ends each live session (back-channel logout and CAEP notifications are queued, the SRIs go on the session revocation list); the tokens bound to them stop working. Tokens without a session (and the user) stay: DELETE /admin/users/{id} or global token revocation end those.',
  })
  @sub
  @ApiOkResponse({ type: UserSessionsRevokedDto })
  @ApiNotFound('user')
  revokeSessions(@Param('id') id: string, @CurrentAuth() auth: RequestAuth): Promise<UserSessionsRevokedDto> {
    return this.sessions.revokeAllOfUser(id, auth.clientId);
  }
}
