import { FeatureFlagRepository } from '@app/store';
import { FeatureFlagService } from './feature-flag.service';

/** A store double with the real repository's contract; the e2e suites use the real store. */
class InMemoryFlags {
  rows = new Map<string, boolean>();
  async list() { return [...this.rows].map(([name, enabled]) => ({ name, enabled, updatedAt: 0 })); }
  async set(name: string, enabled: boolean) { this.rows.set(name, enabled); return { name, enabled, updatedAt: 0 }; }
}

describe('FeatureFlagService', () => {
  it('answers each flag\'s documented default until the store holds a value', async () => {
    const store = new InMemoryFlags();
    const flags = new FeatureFlagService(store as unknown as FeatureFlagRepository);
    await flags.refresh();
    expect(flags.isEnabled('GLOBAL_TOKEN_REVOCATION')).toBe(true);
    store.rows.set('GLOBAL_TOKEN_REVOCATION', false);
    expect(flags.isEnabled('GLOBAL_TOKEN_REVOCATION')).toBe(true);
    await flags.refresh();
    expect(flags.isEnabled('GLOBAL_TOKEN_REVOCATION')).toBe(false);
  });

  it('applies its own change at once', async () => {
    const flags = new FeatureFlagService(new InMemoryFlags() as unknown as FeatureFlagRepository);
    await flags.set('END_SESSION', false);
    expect(flags.isEnabled('END_SESSION')).toBe(false);
    expect(flags.list().find((f) => f.name === 'END_SESSION')).toMatchObject({ enabled: false, default: true });
  });

  it('uses a host\'s defaults (FeatureFlagModule.forRoot) until the store holds a value', async () => {
    const store = new InMemoryFlags();
    const flags = new FeatureFlagService(store as unknown as FeatureFlagRepository, { END_SESSION: false });
    await flags.refresh();
    expect(flags.isEnabled('END_SESSION')).toBe(false);
    expect(flags.isEnabled('GLOBAL_TOKEN_REVOCATION')).toBe(true);
    expect(flags.list().find((f) => f.name === 'END_SESSION')).toMatchObject({ enabled: false, default: false });
    store.rows.set('END_SESSION', true);
    await flags.refresh();
    expect(flags.isEnabled('END_SESSION')).toBe(true);
  });
});
