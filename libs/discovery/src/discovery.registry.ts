import { Inject, Injectable, Optional } from '@nestjs/common';
import { HttpConfig, InjectConfig } from '@app/common';
import { baseMetadata } from './base-metadata';
import { DISCOVERY_METADATA } from './discovery.options';

export type DiscoveryMetadata = Record<string, unknown>;

/** Returns metadata entries; evaluated on every discovery request, so it may read feature flags. */
export type DiscoveryContributor = () => DiscoveryMetadata | Promise<DiscoveryMetadata>;

/**
 * The discovery document is the merge of every contributor's entries, in registration order;
 * the base document (issuer, scopes, claims) is always the first, then the host's static entries
 * (DiscoveryModule's `metadata` option). A feature module
 * registers in its `onModuleInit`, and returns `{}` while its feature flag is off:
 *
 *   this.discovery.register(() => flags.isEnabled('GLOBAL_TOKEN_REVOCATION')
 *     ? { global_token_revocation_endpoint: `${issuer}/jans-auth/restv1/global-token-revocation` } : {});
 *
 * Merge rule: arrays are unioned (a module can add a scope or a grant type to the base lists);
 * any other value replaces the earlier one; `undefined` values are skipped.
 */
@Injectable()
export class DiscoveryRegistry {
  private readonly contributors: DiscoveryContributor[] = [];

  constructor(@InjectConfig('http') http: HttpConfig, @Optional() @Inject(DISCOVERY_METADATA) metadata?: DiscoveryMetadata) {
    this.register(() => baseMetadata(http.issuer));
    if (metadata && Object.keys(metadata).length > 0) this.register(() => metadata);
  }

  /** Adds a contributor; the returned function removes it again. */
  register(contributor: DiscoveryContributor): () => void {
    this.contributors.push(contributor);
    return () => {
      const i = this.contributors.indexOf(contributor);
      if (i >= 0) this.contributors.splice(i, 1);
    };
  }

  async document(): Promise<DiscoveryMetadata> {
    const parts = await Promise.all(this.contributors.map((c) => c()));
    return parts.reduce<DiscoveryMetadata>(mergeMetadata, {});
  }
}

export function mergeMetadata(into: DiscoveryMetadata, entries: DiscoveryMetadata): DiscoveryMetadata {
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    const current = into[key];
    into[key] = Array.isArray(current) && Array.isArray(value) ? [...new Set([...current, ...value])] : value;
  }
  return into;
}
