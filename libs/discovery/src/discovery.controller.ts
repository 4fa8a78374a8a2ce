import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/auth';
import { DiscoveryMetadataDto } from './dto/discovery-metadata.dto';
import { DiscoveryMetadata, DiscoveryRegistry } from './discovery.registry';

/**
 * One document at three addresses: OpenID Connect Discovery, RFC 8414, and the path Janssen
 * clients read (`/jans-auth/.well-known/openid-configuration`, see the Janssen seed).
 */
export const DISCOVERY_PATHS = [
  '.well-known/openid-configuration',
  '.well-known/oauth-authorization-server',
  'jans-auth/.well-known/openid-configuration',
];

@ApiTags('Discovery')
@Public()
@Controller()
export class DiscoveryController {
  constructor(private readonly registry: DiscoveryRegistry) {}

  @Get(DISCOVERY_PATHS)
  // Entries appear and disappear with feature flags: clients must not keep a stale copy.
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary: 'Authorization server metadata',
    description: 'OpenID Connect Discovery 1.0 / RFC 8414 metadata. Entries of features whose flag is off are left out.',
  })
  @ApiOkResponse({ type: DiscoveryMetadataDto })
  metadata(): Promise<DiscoveryMetadata> {
    return this.registry.document();
  }
}
