import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConsumes, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@app/auth';
import { RequireFeature } from '@app/feature-flag';
import { sendOutcome } from '../browser/send-outcome';
import { EndSessionService } from './end-session.service';

const HTML = { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } };

/** OpenID Connect RP-Initiated Logout 1.0 §2, by GET or form POST; behind the END_SESSION flag. */
@ApiTags('Sign-in')
@Public()
@RequireFeature('END_SESSION')
@Controller('end_session')
export class EndSessionController {
  constructor(private readonly endSession: EndSessionService) {}

  @Get()
  @ApiOperation({
    summary: 'End session (RP-Initiated Logout)',
    description: 'Ends the session the id_token_hint names (else the browser\'s) and its tokens, tells every client of the session (back-channel logout, CAEP), and with END_SESSION_REVOKE_USER_SESSION lists its SRI. Without id_token_hint the user confirms first. Redirects only to a registered post_logout_redirect_uri.',
  })
  @ApiQuery({ name: 'id_token_hint', required: false })
  @ApiQuery({ name: 'client_id', required: false })
  @ApiQuery({ name: 'post_logout_redirect_uri', required: false, description: 'Exactly one of the client\'s registered post_logout_redirect_uris' })
  @ApiQuery({ name: 'state', required: false })
  @ApiProduces('text/html')
  @ApiOkResponse({ ...HTML, description: 'Signed out, or the confirmation form' })
  @ApiResponse({ status: 303, description: 'Signed out: to post_logout_redirect_uri with state' })
  @ApiBadRequestResponse({ ...HTML, description: 'A bad id_token_hint, client_id or an unregistered post_logout_redirect_uri: nothing ends' })
  @ApiForbiddenResponse({ description: 'The END_SESSION feature flag is off (JSON)' })
  async get(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.endSession.handle(req, req.query, 'GET'));
  }

  @Post()
  @ApiOperation({ summary: 'End session (form POST)', description: 'The same parameters as GET, form-encoded; also the confirmation form (confirm=yes with its CSRF token).' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/html')
  @ApiOkResponse({ ...HTML, description: 'Signed out, or the confirmation form' })
  @ApiResponse({ status: 303, description: 'Signed out: to post_logout_redirect_uri with state' })
  @ApiBadRequestResponse({ ...HTML, description: 'A bad request: nothing ends' })
  @ApiForbiddenResponse({ description: 'The confirmation\'s CSRF token does not match (HTML), or the END_SESSION feature flag is off (JSON)' })
  async post(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.endSession.handle(req, req.body, 'POST'));
  }
}
