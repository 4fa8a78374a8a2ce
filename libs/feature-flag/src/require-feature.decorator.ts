import { SetMetadata } from '@nestjs/common';
import type { FeatureFlagName } from './feature-flags';

export const REQUIRED_FEATURE = 'feature-flag:required';

/** The endpoint answers 403 while this feature flag is off. */
export const RequireFeature = (name: FeatureFlagName) => SetMetadata(REQUIRED_FEATURE, name);
