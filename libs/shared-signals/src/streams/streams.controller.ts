import { Body, Controller, Delete, Get, Header, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, RequestAuth } from '@app/auth';
import { SsfManage, SsfRead } from '../auth/ssf-auth';
import { SSF_PATHS } from '../ssf.constants';
import { StreamConfigView } from './stream-config';
import { SsfStreamService } from './stream.service';

const BAD = 'invalid_request: the body is not a JSON object, or a property is invalid (named in error_description)';
const NOT_FOUND = 'not_found: you have no stream with this stream_id';

/** The Configuration Endpoint (SSF 1.0 §8.1.1). */
@ApiTags('Shared Signals')
@Controller()
export class StreamsController {
  constructor(private readonly streams: SsfStreamService) {}

  @Post(SSF_PATHS.stream)
  @SsfManage()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Create a stream', description: 'SSF 1.0 §8.1.1.1. Without `delivery`, the stream is polled (the answer gives its endpoint_url).' })
  @ApiCreatedResponse({ description: 'The stream\'s configuration' })
  @ApiBadRequestResponse({ description: BAD })
  @ApiConflictResponse({ description: 'conflict: you already have SSF_MAX_STREAMS_PER_RECEIVER streams' })
  create(@CurrentAuth() auth: RequestAuth, @Body() body: unknown): Promise<StreamConfigView> {
    return this.streams.create(auth.clientId, body);
  }

  @Get(SSF_PATHS.stream)
  @SsfRead()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Read one stream, or all of yours', description: 'SSF 1.0 §8.1.1.2. Without stream_id: a list, possibly empty.' })
  @ApiQuery({ name: 'stream_id', required: false })
  @ApiOkResponse({ description: 'The stream\'s configuration, or a list of them' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  read(@CurrentAuth() auth: RequestAuth, @Query('stream_id') streamId?: string): Promise<StreamConfigView | StreamConfigView[]> {
    return this.streams.read(auth.clientId, typeof streamId === 'string' ? streamId : undefined);
  }

  @Patch(SSF_PATHS.stream)
  @SsfManage()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Update a stream', description: 'SSF 1.0 §8.1.1.3: the Receiver-Supplied properties sent change, the others stay.' })
  @ApiOkResponse({ description: 'The whole updated configuration' })
  @ApiBadRequestResponse({ description: `${BAD}; or a Transmitter-Supplied property that does not match` })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  update(@CurrentAuth() auth: RequestAuth, @Body() body: unknown): Promise<StreamConfigView> {
    return this.streams.update(auth.clientId, body);
  }

  @Put(SSF_PATHS.stream)
  @SsfManage()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Replace a stream', description: 'SSF 1.0 §8.1.1.4: Receiver-Supplied properties left out are deleted.' })
  @ApiOkResponse({ description: 'The new configuration' })
  @ApiBadRequestResponse({ description: `${BAD}; or a Transmitter-Supplied property that does not match` })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  replace(@CurrentAuth() auth: RequestAuth, @Body() body: unknown): Promise<StreamConfigView> {
    return this.streams.replace(auth.clientId, body);
  }

  @Delete(SSF_PATHS.stream)
  @SsfManage(false)
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Delete a stream', description: 'SSF 1.0 §8.1.1.5. Its SETs not yet delivered are dropped.' })
  @ApiQuery({ name: 'stream_id', required: true })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  delete(@CurrentAuth() auth: RequestAuth, @Query('stream_id') streamId?: string): Promise<void> {
    return this.streams.delete(auth.clientId, typeof streamId === 'string' ? streamId : undefined);
  }
}
