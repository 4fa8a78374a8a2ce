import { Controller, Get, Header, Type } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/auth';
import { DiscoveryMetadataDto } from './dto/discovery-metadata.dto';
import { DiscoveryMetadata, DiscoveryRegistry } from './discovery.registry';

/** The controller serving the document at `paths`: route paths are fixed when a class is decorated, so each module builds its own. */
export function discoveryController(paths: string[]): Type<unknown> {
  @ApiTags('Discovery')
  @Public()
  @Controller()
  class DiscoveryController {
    constructor(readonly registry: DiscoveryRegistry) {}

    @Get(paths)
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
  return DiscoveryController;
}
