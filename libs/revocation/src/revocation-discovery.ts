import { Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { GlobalRevocationConfig, HttpConfig, InjectConfig } from '@app/common';
import { DiscoveryRegistry } from '@app/discovery';
import { FeatureFlagService } from '@app/feature-flag';
import { GLOBAL_TOKEN_REVOCATION_AUTH_METHODS, globalTokenRevocationUrl } from './revocation.constants';

/** Publishes the endpoint in discovery while the GLOBAL_TOKEN_REVOCATION flag is on; both entries vanish when it is off. */
@Injectable()
export class RevocationDiscovery implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    @InjectConfig('globalRevocation') private readonly globalRevocation: GlobalRevocationConfig,
    private readonly flags: FeatureFlagService,
    @Optional() private readonly registry?: DiscoveryRegistry,
  ) {}

  onModuleInit(): void {
    const endpoint = globalTokenRevocationUrl(this.http.issuer, this.globalRevocation.pathPrefix);
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
