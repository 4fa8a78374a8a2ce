import { Injectable, Optional } from '@nestjs/common';
import { HttpConfig, InjectConfig } from '@app/common';
import { DiscoveryRegistry } from '@app/discovery';
import { POLL_DELIVERY, PUSH_DELIVERY, SSF_PATHS, SSF_SPEC_VERSION } from '../ssf.constants';

/**
 * SSF 1.0 §7.1 metadata, with what the CAEP interoperability profile §2.3 requires: spec_version
 * 1_0, both delivery methods, jwks_uri, the management endpoints, OAuth 2.0 (RFC 6749) as the
 * authorization scheme. Streams start with every subject (`default_subjects: ALL`).
 */
@Injectable()
export class SsfConfigurationService {
  constructor(@InjectConfig('http') private readonly http: HttpConfig, @Optional() private readonly discovery?: DiscoveryRegistry) {}

  async metadata(): Promise<Record<string, unknown>> {
    const issuer = this.http.issuer;
    // The JWKS is where the OAuth module publishes it (its path prefix may move it).
    const jwks = (await this.discovery?.document())?.jwks_uri;
    return {
      spec_version: SSF_SPEC_VERSION,
      issuer,
      jwks_uri: typeof jwks === 'string' ? jwks : `${issuer}/jwks`,
      delivery_methods_supported: [PUSH_DELIVERY, POLL_DELIVERY],
      configuration_endpoint: `${issuer}${SSF_PATHS.stream}`,
      status_endpoint: `${issuer}${SSF_PATHS.status}`,
      add_subject_endpoint: `${issuer}${SSF_PATHS.addSubject}`,
      remove_subject_endpoint: `${issuer}${SSF_PATHS.removeSubject}`,
      verification_endpoint: `${issuer}${SSF_PATHS.verify}`,
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
      default_subjects: 'ALL',
    };
  }
}
