import { Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { HttpConfig, InjectConfig } from '@app/common';
import { DiscoveryRegistry } from '@app/discovery';
import { aggregationUri } from './status-list.constants';

/** `status_list_aggregation_endpoint` in the authorization server metadata (draft-ietf-oauth-status-list §9.1, RFC 8414), and the `status` claim. */
@Injectable()
export class StatusListDiscovery implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(@InjectConfig('http') private readonly http: HttpConfig, @Optional() private readonly registry?: DiscoveryRegistry) {}

  onModuleInit(): void {
    // Arrays are unioned with the other modules' entries: `status` joins the claims the tokens carry.
    const entry = { status_list_aggregation_endpoint: aggregationUri(this.http.issuer), claims_supported: ['status'] };
    this.unregister = this.registry?.register(() => entry);
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }
}
