import { Body, Controller, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentAuth, RequestAuth } from '@app/auth';
import { connectionSignal } from '@app/common';
import { SsfPoll } from '../auth/ssf-auth';
import { SSF_PATHS } from '../ssf.constants';
import { parsePollRequest, PollRequestError } from './poll-request';
import { PollResponse, SsfPollService } from './poll.service';

/** The poll endpoint of each poll stream (RFC 8936, SSF 1.0 §6.1.2), the `endpoint_url` its configuration gives. */
@ApiTags('Shared Signals')
@Controller()
export class PollController {
  constructor(private readonly polls: SsfPollService) {}

  @Post(`${SSF_PATHS.poll}/:streamId`)
  @SsfPoll()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Poll a stream for SETs',
    description: 'RFC 8936 §2.4: acknowledge (`ack`, `setErrs`) and fetch (`maxEvents`, `returnImmediately`). Without returnImmediately, waits up to SSF_POLL_MAX_WAIT seconds. A SET not acknowledged within SSF_POLL_ACK_TIMEOUT seconds is returned again.',
  })
  @ApiOkResponse({ description: '{"sets": {jti: SET}, "moreAvailable": boolean}' })
  @ApiBadRequestResponse({ description: '{"err":"invalid_request","description"}: the body is not a valid poll request' })
  @ApiNotFoundResponse({ description: 'not_found: you have no poll stream with this id' })
  async poll(
    @CurrentAuth() auth: RequestAuth, @Param('streamId') streamId: string, @Body() body: unknown,
    @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PollResponse | { err: string; description: string }> {
    let request;
    try {
      request = parsePollRequest(body);
    } catch (err) {
      if (!(err instanceof PollRequestError)) throw err;
      void reply.code(400);
      return { err: 'invalid_request', description: err.message };
    }
    return this.polls.poll(auth.clientId, streamId, request, connectionSignal(req));
  }
}
