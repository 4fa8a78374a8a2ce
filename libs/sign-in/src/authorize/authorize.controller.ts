import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBody, ApiConsumes, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags, ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@app/auth';
import { sendOutcome } from '../browser/send-outcome';
import { AuthorizeService } from './authorize.service';
import { SignInFormDto } from './sign-in-form.dto';

const HTML = { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } };

/** OpenID Connect Core 1.0 §3.1.2: the authorization endpoint and its sign-in form. Browsers only. */
@ApiTags('Sign-in')
@Public()
@Controller('authorize')
export class AuthorizeController {
  constructor(private readonly authorize: AuthorizeService) {}

  @Get()
  @ApiOperation({
    summary: 'Authorization endpoint (authorization code flow)',
    description: 'response_type=code with PKCE (S256; required of public clients). A browser with a usable session is sent back at once with a code (single sign-on); otherwise it gets the sign-in form. prompt=none without a session answers login_required; prompt=login and max_age ask for the password again.',
  })
  @ApiQuery({ name: 'response_type', enum: ['code'] })
  @ApiQuery({ name: 'client_id' })
  @ApiQuery({ name: 'redirect_uri', description: 'Exactly one of the client\'s registered redirect_uris' })
  @ApiQuery({ name: 'scope', example: 'openid profile' })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'nonce', required: false })
  @ApiQuery({ name: 'code_challenge', required: false, description: 'BASE64URL(SHA-256(code_verifier))' })
  @ApiQuery({ name: 'code_challenge_method', required: false, enum: ['S256'] })
  @ApiQuery({ name: 'prompt', required: false, enum: ['none', 'login'] })
  @ApiQuery({ name: 'max_age', required: false, type: Number })
  @ApiQuery({ name: 'login_hint', required: false })
  @ApiQuery({
    name: 'resource', required: false, type: [String],
    description: 'RFC 8707 resource indicator, repeatable: one of the client\'s registered resources, remembered with the code (the token request may narrow them); otherwise back to redirect_uri with invalid_target',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ ...HTML, description: 'The sign-in form' })
  @ApiResponse({ status: 303, description: 'Back to redirect_uri with code, state and iss, or with error, error_description, state and iss' })
  @ApiBadRequestResponse({ ...HTML, description: 'Unknown client or unregistered redirect_uri: an error page, nothing is redirected' })
  async start(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.authorize.start(req));
  }

  @Post()
  @ApiOperation({ summary: 'Sign in (the form of GET /authorize)', description: 'Checks the CSRF token and the password, opens a session (cookie) and returns to the client with a code.' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: SignInFormDto })
  @ApiProduces('text/html')
  @ApiResponse({ status: 303, description: 'Signed in: back to redirect_uri with a code' })
  @ApiBadRequestResponse({ ...HTML, description: 'Wrong username or password: the form again, with the error' })
  @ApiForbiddenResponse({ ...HTML, description: 'The CSRF token is missing or does not match: the form again' })
  @ApiTooManyRequestsResponse({ ...HTML, description: 'Too many failed sign-ins for this username or from this address: the form again, with how long to wait, and Retry-After' })
  async signIn(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.authorize.signIn(req));
  }
}
