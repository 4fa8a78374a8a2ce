import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/auth';
import { HttpConfig, InjectConfig, notFound, StatusListConfig } from '@app/common';
import { StatusListTracker } from '../state/status-list-tracker.service';
import { STATUS_LIST_MEDIA_TYPE, STATUS_LISTS_PATH, statusListUri } from '../status-list.constants';
import { StatusListPublisher } from './status-list-publisher.service';

/** An If-None-Match that names `etag` (or `*`); weak validators compare as strong ones would for a GET (RFC 9110 §13.1.2). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return !!acceptEncoding && acceptEncoding.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    return (coding === 'gzip' || coding === 'x-gzip') && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

/**
 * The Status List Tokens (draft-ietf-oauth-status-list §8.1, §8.2) and their aggregation (§9),
 * public (relying parties and browsers fetch them: CORS for any origin), answered from memory:
 * each list is signed and compressed once per change (StatusListTracker), never per request.
 */
@ApiTags('OAuth')
@Public()
@Controller(STATUS_LISTS_PATH)
export class StatusListController {
  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    @InjectConfig('statusList') private readonly config: StatusListConfig,
    private readonly tracker: StatusListTracker,
    private readonly publisher: StatusListPublisher,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Status List Aggregation', description: 'The uri of every status list served (draft-ietf-oauth-status-list §9.3).' })
  @ApiOkResponse({ description: '{"status_lists":["…/statuslists/1",…]}' })
  aggregation(@Res() reply: FastifyReply): void {
    reply.header('Access-Control-Allow-Origin', '*').header('Cache-Control', `public, max-age=${this.config.ttl}`)
      .send({ status_lists: this.tracker.listIds().map((id) => statusListUri(this.http.issuer, id)) });
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A Status List Token',
    description: 'The status of every token holding an index of this list, two bits each (0 VALID, 1 INVALID, 2 SUSPENDED), as a JWT signed with a key of /jwks. `ETag` and `If-None-Match`; gzip when asked.',
  })
  @ApiParam({ name: 'id', description: 'The list number, from the `status.status_list.uri` claim of a token' })
  @ApiQuery({ name: 'time', required: false, description: 'Historical resolution (§8.4): not supported, 501' })
  @ApiProduces(STATUS_LIST_MEDIA_TYPE)
  @ApiOkResponse({ description: 'The Status List Token (application/statuslist+jwt).', content: { [STATUS_LIST_MEDIA_TYPE]: { schema: { type: 'string' } } } })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match).' })
  @ApiNotFoundResponse({ description: 'No such list (or every token it held has expired).' })
  @ApiResponse({ status: 501, description: 'A `time` was asked for: historical resolution is not offered (privacy, §12.7).' })
  @ApiResponse({ status: 503, description: 'The lists are still being computed after start.' })
  list(
    @Param('id') id: string, @Query('time') time: unknown, @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('accept-encoding') acceptEncoding: string | undefined, @Res() reply: FastifyReply,
  ): void {
    reply.header('Access-Control-Allow-Origin', '*');
    if (time !== undefined) {
      reply.code(501).header('Cache-Control', 'no-store').send({ error: 'not_implemented', error_description: 'Historical resolution (time) is not supported.' });
      return;
    }
    const listId = /^[1-9]\d{0,9}$/.test(id) ? Number(id) : NaN;
    const served = this.publisher.get(listId);
    if (!served) {
      if (!this.tracker.isReady() || this.tracker.knowsList(listId)) {
        reply.code(503).header('Retry-After', '1').header('Cache-Control', 'no-store')
          .send({ error: 'temporarily_unavailable', error_description: 'The status list is being computed; try again shortly.' });
        return;
      }
      throw notFound('No such status list.');
    }
    reply.header('ETag', served.etag).header('Cache-Control', `public, max-age=${this.config.ttl}`).header('Vary', 'Accept-Encoding');
    if (matches(ifNoneMatch, served.etag)) {
      reply.code(304).send();
      return;
    }
    reply.header('Content-Type', STATUS_LIST_MEDIA_TYPE);
    if (acceptsGzip(acceptEncoding)) reply.header('Content-Encoding', 'gzip').send(served.gzip);
    else reply.send(served.jwt);
  }
}
