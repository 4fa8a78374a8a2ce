import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { AdminApi, ApiInvalidRequest, ApiNotFound } from '@app/admin/admin/admin-api.decorators';
import { QueryParams, textQuery } from '@app/admin/validation/query-params';
import { IntQuery } from '@app/admin/validation/valid-body.pipe';
import { SsfStreamAdminService, StreamAdminView } from './stream-admin.service';

const MAX_PAGE = 1000;
const streamId = ApiParam({ name: 'id', description: 'The stream_id' });

/** The transmitter's streams for administrators (docs/shared-signals.md, "Administration"). */
@Controller('admin/ssf/streams')
@Audited()
@AdminApi()
export class StreamsAdminController {
  constructor(private readonly streams: SsfStreamAdminService) {}

  @Get()
  @ApiOperation({ summary: 'List Shared Signals streams', description: 'Every receiver\'s streams, oldest first, with their SETs waiting (pending), failed, and the newest failure\'s error.' })
  @QueryParams('client_id', 'limit', 'offset')
  @ApiQuery({ name: 'client_id', required: false, description: 'Only this receiver\'s streams' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiOkResponse({ description: 'The streams' })
  @ApiInvalidRequest('invalid_request: a bad limit, offset or client_id')
  list(
    @Query('client_id') clientId: unknown,
    @Query('limit', new IntQuery('limit', 1, MAX_PAGE, 100)) limit: number,
    @Query('offset', new IntQuery('offset', 0, 1_000_000_000, 0)) offset: number,
  ): Promise<StreamAdminView[]> {
    return this.streams.list(limit, offset, textQuery('client_id', clientId, 255));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Show a Shared Signals stream' })
  @streamId
  @ApiOkResponse({ description: 'The stream' })
  @ApiNotFound('stream')
  get(@Param('id') id: string): Promise<StreamAdminView> {
    return this.streams.get(id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a stream', description: 'Its SETs are held (SSF_PAUSED_MAX_EVENTS, SSF_EVENT_RETENTION) until it is resumed; the receiver gets a stream-updated event.' })
  @streamId
  @ApiOkResponse({ description: 'The stream' })
  @ApiNotFound('stream')
  pause(@Param('id') id: string): Promise<StreamAdminView> {
    return this.streams.setStatus(id, 'paused');
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume (enable) a stream', description: 'The SETs it held are delivered, oldest first; the receiver gets a stream-updated event.' })
  @streamId
  @ApiOkResponse({ description: 'The stream' })
  @ApiNotFound('stream')
  resume(@Param('id') id: string): Promise<StreamAdminView> {
    return this.streams.setStatus(id, 'enabled');
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a stream\'s failed SETs again', description: 'Failed SETs are due at once with a fresh retry budget (push), or returned by the next poll.' })
  @streamId
  @ApiOkResponse({ description: '{"replayed": <how many>}' })
  @ApiNotFound('stream')
  replay(@Param('id') id: string): Promise<{ replayed: number }> {
    return this.streams.replayFailed(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a stream', description: 'The SETs it still held are dropped. A caep_receiver_uri stream comes back at the client\'s next save with the URI.' })
  @streamId
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFound('stream')
  remove(@Param('id') id: string): Promise<void> {
    return this.streams.remove(id);
  }
}
