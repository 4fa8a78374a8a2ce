import { Module } from '@nestjs/common';
import { RevocationListPurger } from './revoked-sris/revocation-list-purger.service';
import { RevocationListService } from './revoked-sris/revocation-list.service';
import { RevokedSrisController } from './revoked-sris/revoked-sris.controller';
import { SessionMgmtDiscovery } from './session-mgmt-discovery';
import { SessionMgmtFallbackController } from './session-mgmt-fallback.controller';
import { SessionMgmtService } from './sessions/session-mgmt.service';
import { SessionsController } from './sessions/sessions.controller';
import { UsersController } from './users/users.controller';

/**
 * PingFederate's Session Revocation API (`/pf-ws/rest/sessionMgmt/revokedSris`) and its
 * Session Management companions (`…/sessions/{sri}`, `…/users/{userKey}`).
 */
@Module({
  // The fallback last: a wildcard, answering only what no other route does.
  controllers: [RevokedSrisController, SessionsController, UsersController, SessionMgmtFallbackController],
  providers: [RevocationListService, RevocationListPurger, SessionMgmtService, SessionMgmtDiscovery],
  exports: [RevocationListService, RevocationListPurger],
})
export class SessionMgmtModule {}
