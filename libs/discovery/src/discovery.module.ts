import { Global, Module } from '@nestjs/common';
import { DiscoveryController } from './discovery.controller';
import { DiscoveryRegistry } from './discovery.registry';

/** The discovery document; global so that any feature module can register its entries. */
@Global()
@Module({
  controllers: [DiscoveryController],
  providers: [DiscoveryRegistry],
  exports: [DiscoveryRegistry],
})
export class DiscoveryModule {}
