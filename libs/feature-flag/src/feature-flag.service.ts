import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { FeatureFlagRepository } from '@app/store';
import { FEATURE_FLAG_DEFAULTS, FEATURE_FLAGS, FeatureFlagName } from './feature-flags';

/** How often each instance re-reads the flags: a change shows everywhere within this. */
export const FLAG_REFRESH_MS = 500;

/**
 * Flags are read on every request, so they come from memory: loaded at start, re-read from
 * the store twice a second (every instance sharing the store sees a change within a second),
 * and updated at once on the instance that made the change.
 */
@Injectable()
export class FeatureFlagService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('FeatureFlags');
  private values = new Map<string, boolean>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: FeatureFlagRepository,
    @Optional() @Inject(FEATURE_FLAG_DEFAULTS) private readonly defaults: Partial<Record<FeatureFlagName, boolean>> = {},
  ) {}

  /** The value a flag has until the store holds one: the host's default, else the documented one. */
  defaultOf(name: FeatureFlagName): boolean {
    return this.defaults[name] ?? FEATURE_FLAGS[name].default;
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((e) => this.logger.warn(`Flag refresh failed: ${(e as Error).message}`)), FLAG_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  isEnabled(name: FeatureFlagName): boolean {
    return this.values.get(name) ?? this.defaultOf(name);
  }

  /** Every known flag with its effective value. */
  list(): { name: FeatureFlagName; enabled: boolean; default: boolean; description: string }[] {
    return (Object.keys(FEATURE_FLAGS) as FeatureFlagName[]).map((name) => ({
      name, enabled: this.isEnabled(name), default: this.defaultOf(name), description: FEATURE_FLAGS[name].description,
    }));
  }

  async set(name: FeatureFlagName, enabled: boolean): Promise<void> {
    await this.repo.set(name, enabled);
    this.values.set(name, enabled);
  }

  async refresh(): Promise<void> {
    const rows = await this.repo.list();
    this.values = new Map(rows.map((r) => [r.name, r.enabled]));
  }
}
