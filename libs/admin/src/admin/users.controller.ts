import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { CurrentAuth, RequestAuth } from '@app/auth';
import { IntQuery, ValidBody } from '../validation/valid-body.pipe';
import { AdminApi, ApiConflict, ApiInvalidRequest, ApiNotFound } from './admin-api.decorators';
import { SessionViewDto } from './dto/session.dto';
import { UserInputDto, UserViewDto } from './dto/user.dto';
import { SessionAdminService } from './session-admin.service';
import { MAX_PAGE, UserAdminService } from './user-admin.service';

const sub = ApiParam({ name: 'id', description: 'The user\'s subject id (sub)' });

@Controller('admin/users')
@Audited()
@AdminApi()
export class UsersController {
  constructor(private readonly users: UserAdminService, private readonly sessions: SessionAdminService) {}

  @Get()
  @ApiOperation({ summary: 'List users with their attributes', description: 'Oldest first.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiOkResponse({ type: [UserViewDto] })
  @ApiInvalidRequest('invalid_request: a bad limit or offset')
  list(
    @Query('limit', new IntQuery('limit', 1, MAX_PAGE, 100)) limit: number,
    @Query('offset', new IntQuery('offset', 0, 1_000_000_000, 0)) offset: number,
  ): Promise<UserViewDto[]> {
    return this.users.list(limit, offset);
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
  @ApiOperation({ summary: 'List a user\'s sessions', description: 'Live, ended and revoked, oldest first.' })
  @sub
  @ApiOkResponse({ type: [SessionViewDto] })
  @ApiNotFound('user')
  sessionsOf(@Param('id') id: string): Promise<SessionViewDto[]> {
    return this.sessions.listForUser(id);
  }
}
