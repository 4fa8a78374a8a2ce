import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { ssfConfig, SsfEnvironmentVariables } from './ssf-config';

describe('ssfConfig', () => {
  it('has defaults, reads the SSF_* variables and names a bad one', () => {
    expect(ssfConfig({})).toEqual({
      maxStreamsPerReceiver: 10, minVerificationInterval: 10, pollMaxWait: 20, pollAckTimeout: 60, pausedMaxEvents: 1000, eventRetention: 604800, inactivityTimeout: 0,
    });
    expect(ssfConfig({ SSF_POLL_ACK_TIMEOUT: '5', SSF_INACTIVITY_TIMEOUT: '86400' })).toMatchObject({ pollAckTimeout: 5, inactivityTimeout: 86400 });
    expect(() => ssfConfig({ SSF_POLL_MAX_WAIT: '301' })).toThrow(/^Invalid configuration:\n {2}SSF_POLL_MAX_WAIT=/);
    expect(() => ssfConfig({ SSF_EVENT_RETENTION: 'a week' })).toThrow(/SSF_EVENT_RETENTION=/);
  });

  it('every SSF_* variable is in .env.example with its default and in the README configuration table', () => {
    const variables = getMetadataStorage().getTargetValidationMetadatas(SsfEnvironmentVariables, '', true, false).map((m) => m.propertyName);
    const root = join(__dirname, '../../../..');
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect([...new Set(variables)].sort()).toHaveLength(7);
    expect(variables.filter((name) => !new RegExp(`^# ${name}=`, 'm').test(example))).toEqual([]);
    expect(variables.filter((name) => !new RegExp(`^\\| \`${name}\` \\|`, 'm').test(readme))).toEqual([]);
  });
});
