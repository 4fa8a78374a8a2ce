import { Controller, Get } from '@nestjs/common';
import { AuthenticateClient, BearerAuth, CurrentAuth, RequestAuth } from '@app/auth';

/**
 * The host's own routes, protected by the public decorators alone: AuthModule's global guard
 * authenticates each caller as the route declares, with no guard for the host to remember.
 */
@Controller('reports')
export class HostReportsController {
  /** A bearer access token from the server's token service, carrying `reports:read`. */
  @Get('usage')
  @BearerAuth('reports:read')
  usage(@CurrentAuth() auth: RequestAuth) {
    return { caller: auth.clientId, report: 'usage' };
  }

  /** Any registered client, authenticated with its own method (client_secret_basic here). */
  @Get('clients/me')
  @AuthenticateClient()
  me(@CurrentAuth() auth: RequestAuth) {
    return { caller: auth.clientId };
  }
}
