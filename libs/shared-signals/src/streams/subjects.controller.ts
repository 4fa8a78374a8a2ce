import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { CurrentAuth, RequestAuth } from '@app/auth';
import { SsfManage } from '../auth/ssf-auth';
import { SSF_PATHS } from '../ssf.constants';
import { SsfStreamSubjectsService } from './stream-subjects.service';

const NOT_FOUND = 'not_found: you have no stream with this stream_id';
const BAD_SUBJECT = 'invalid_request: no stream_id, or a subject that is not email, iss_sub, opaque or complex';

/** The Add Subject, Remove Subject (SSF 1.0 §8.1.3) and Verification (§8.1.4) endpoints. */
@ApiTags('Shared Signals')
@Controller()
export class SubjectsController {
  constructor(private readonly subjects: SsfStreamSubjectsService) {}

  @Post(SSF_PATHS.addSubject)
  @SsfManage()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Add a subject to a stream', description: 'SSF 1.0 §8.1.3.2. Streams start with every subject: this undoes a removal. The same answer whether or not the subject is known.' })
  @ApiOkResponse({ description: 'Added (empty body)' })
  @ApiBadRequestResponse({ description: BAD_SUBJECT })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async add(@CurrentAuth() auth: RequestAuth, @Body() body: unknown): Promise<void> {
    await this.subjects.add(auth.clientId, body);
  }

  @Post(SSF_PATHS.removeSubject)
  @SsfManage()
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Remove a subject from a stream', description: 'SSF 1.0 §8.1.3.3: no more events about the subject on this stream.' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiBadRequestResponse({ description: BAD_SUBJECT })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async remove(@CurrentAuth() auth: RequestAuth, @Body() body: unknown): Promise<void> {
    await this.subjects.remove(auth.clientId, body);
  }

  @Post(SSF_PATHS.verify)
  @SsfManage()
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Request a verification event', description: 'SSF 1.0 §8.1.4.2: a verification SET carrying `state` is queued on the stream.' })
  @ApiNoContentResponse({ description: 'Queued' })
  @ApiBadRequestResponse({ description: 'invalid_request: no stream_id, or a state that is not a string' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiTooManyRequestsResponse({ description: 'too_many_requests: sooner than min_verification_interval after the last request (Retry-After)' })
  async verify(@CurrentAuth() auth: RequestAuth, @Body() body: unknown): Promise<void> {
    await this.subjects.verify(auth.clientId, body);
  }
}
