import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/common';
import { DiscoveryRegistry } from '@app/discovery';
import { FeatureFlagService } from '@app/feature-flag';
import { GLOBAL_TOKEN_REVOCATION_AUTH_METHODS, globalTokenRevocationUrl } from './revocation.constants';

/** Publishes the endpoint in discovery while the GLOBAL_TOKEN_REVOCATION flag is on; both entries vanish when it is off. */
@Injectable()
export class RevocationDiscovery implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly flags: FeatureFlagService,
    @Optional() private readonly registry?: DiscoveryRegistry,
  ) {}

  onModuleInit(): void {
    const endpoint = globalTokenRevocationUrl(this.config);
    this.unregister = this.registry?.register(() =>
      this.flags.isEnabled('GLOBAL_TOKEN_REVOCATION')
        ? { global_token_revocation_endpoint: endpoint, global_token_revocation_endpoint_auth_methods_supported: GLOBAL_TOKEN_REVOCATION_AUTH_METHODS }
        : {},
    );
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }
}
