import { Injectable } from '@nestjs/common';
import { notFound } from '@app/common';
import { FEATURE_FLAGS, FeatureFlagName, FeatureFlagService, isFeatureFlagName } from '@app/feature-flag';
import { FeatureFlagViewDto } from './dto/feature-flag.dto';

/** The known feature flags, their values in effect, and changes to them (effective at once on this instance). */
@Injectable()
export class FeatureFlagAdminService {
  constructor(private readonly flags: FeatureFlagService) {}

  list(): FeatureFlagViewDto[] {
    return this.flags.list();
  }

  get(name: string): FeatureFlagViewDto {
    const flag = this.flags.list().find((f) => f.name === this.require(name));
    return flag!;
  }

  async set(name: string, enabled: boolean): Promise<FeatureFlagViewDto> {
    await this.flags.set(this.require(name), enabled);
    return this.get(name);
  }

  private require(name: string): FeatureFlagName {
    if (!isFeatureFlagName(name)) throw notFound(`No feature flag named "${name}" (known: ${Object.keys(FEATURE_FLAGS).join(', ')}).`);
    return name;
  }
}
