import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError, OAuthErrorCode, routeMetadata } from '@app/common';
import { FeatureFlagService } from './feature-flag.service';
import type { FeatureFlagName } from './feature-flags';
import { REQUIRED_FEATURE } from './require-feature.decorator';

/**
 * Global guard: runs before authentication so a disabled endpoint says so to everyone
 * (Janssen answers "Feature flag is disabled on server." the same way).
 */
@Injectable()
export class FeatureFlagGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly flags: FeatureFlagService) {}

  canActivate(ctx: ExecutionContext): boolean {
    const name = routeMetadata<FeatureFlagName>(this.reflector, REQUIRED_FEATURE, ctx);
    if (name && !this.flags.isEnabled(name)) {
      throw new ApiError(403, OAuthErrorCode.accessDenied, 'Feature flag is disabled on server.', {}, 'feature_flag_disabled', { feature_flag: name });
    }
    return true;
  }
}
