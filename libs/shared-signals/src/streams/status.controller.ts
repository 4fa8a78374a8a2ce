import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, RequestAuth } from '@app/auth';
import { SsfManage, SsfRead } from '../auth/ssf-auth';
import { SSF_PATHS } from '../ssf.constants';
import { SsfStreamStatusService, StreamStatusView } from './stream-status.service';

/** The Status Endpoint (SSF 1.0 §8.1.2). */
@ApiTags('Shared Signals')
@Controller()
export class StatusController {
  constructor(private readonly status: SsfStreamStatusService) {}

  @Get(SSF_PATHS.status)
  @SsfRead()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Read a stream\'s status', description: 'SSF 1.0 §8.1.2.1: enabled, paused or disabled, with the reason of the last change.' })
  @ApiQuery({ name: 'stream_id', required: true })
  @ApiOkResponse({ description: '{"stream_id","status","reason"}' })
  @ApiNotFoundResponse({ description: 'not_found: you have no stream with this stream_id' })
  read(@CurrentAuth() auth: RequestAuth, @Query('stream_id') streamId?: string): Promise<StreamStatusView> {
    return this.status.read(auth.clientId, typeof streamId === 'string' ? streamId : undefined);
  }

  @Post(SSF_PATHS.status)
  @SsfManage()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Enable, pause or disable a stream',
    description: 'SSF 1.0 §8.1.2.2. Paused: SETs are held (SSF_PAUSED_MAX_EVENTS, SSF_EVENT_RETENTION) and sent once enabled. Disabled: SETs are dropped.',
  })
  @ApiOkResponse({ description: 'The new status' })
  @ApiBadRequestResponse({ description: 'invalid_request: no stream_id, or a status other than enabled, paused, disabled' })
  @ApiNotFoundResponse({ description: 'not_found: you have no stream with this stream_id' })
  update(@CurrentAuth() auth: RequestAuth, @Body() body: unknown): Promise<StreamStatusView> {
    return this.status.update(auth.clientId, body);
  }
}
