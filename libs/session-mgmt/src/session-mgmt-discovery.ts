import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { HttpConfig, InjectConfig } from '@app/common';
import { DiscoveryRegistry } from '@app/discovery';
import { FeatureFlagService } from '@app/feature-flag';
import { REVOKED_SRIS_PATH } from './revoked-sris/revoked-sris.controller';
import { ResolvedSessionMgmtOptions, SESSION_MGMT_OPTIONS } from './session-mgmt.options';
import { SESSIONS_PATH } from './sessions/sessions.controller';
import { USERS_PATH } from './users/users.controller';

/**
 * PingFederate's discovery entries for its session APIs; each is left out while its feature flag
 * (SESSION_REVOCATION_API, SESSION_MANAGEMENT_API) is off.
 */
@Injectable()
export class SessionMgmtDiscovery implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    @Inject(SESSION_MGMT_OPTIONS) private readonly options: ResolvedSessionMgmtOptions,
    private readonly flags: FeatureFlagService,
    @Optional() private readonly registry?: DiscoveryRegistry,
  ) {}

  onModuleInit(): void {
    const base = `${this.http.issuer}${this.options.pathPrefix}`;
    this.unregister = this.registry?.register(() => ({
      ...(this.flags.isEnabled('SESSION_REVOCATION_API') ? { ping_revoked_sris_endpoint: `${base}/${REVOKED_SRIS_PATH}` } : {}),
      ...(this.flags.isEnabled('SESSION_MANAGEMENT_API')
        ? { ping_session_management_sris_endpoint: `${base}/${SESSIONS_PATH}`, ping_session_management_users_endpoint: `${base}/${USERS_PATH}` }
        : {}),
    }));
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }
}
