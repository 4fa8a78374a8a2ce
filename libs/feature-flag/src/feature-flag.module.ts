import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FeatureFlagGuard } from './feature-flag.guard';
import { FeatureFlagService } from './feature-flag.service';

/** Feature flags kept in the store, cached in memory, enforced by a global guard. */
@Global()
@Module({
  providers: [FeatureFlagService, { provide: APP_GUARD, useClass: FeatureFlagGuard }],
  exports: [FeatureFlagService],
})
export class FeatureFlagModule {}
