import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { AdminApi, ApiNotFound } from './admin-api.decorators';
import { SessionViewDto } from './dto/session.dto';
import { SessionAdminService } from './session-admin.service';

@Controller('admin/sessions')
@Audited()
@AdminApi()
export class SessionsController {
  constructor(private readonly sessions: SessionAdminService) {}

  @Get(':id')
  @ApiOperation({ summary: 'Get a session' })
  @ApiParam({ name: 'id', description: 'Session id (sid)' })
  @ApiOkResponse({ type: SessionViewDto })
  @ApiNotFound('session')
  get(@Param('id') id: string): Promise<SessionViewDto> {
    return this.sessions.get(id);
  }
}
