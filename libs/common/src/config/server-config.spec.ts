import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { loadAppConfig } from './app.config';
import { EnvironmentVariables } from './environment-variables';
import { ConfigValidationError } from './validate-config';

/** The error loadAppConfig throws for `env`, or a failure if it throws none. */
function errorFor(env: Record<string, string>): ConfigValidationError {
  try {
    loadAppConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return err as ConfigValidationError;
  }
  throw new Error(`loadAppConfig accepted ${JSON.stringify(env)}`);
}

describe('loadAppConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadAppConfig({})).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      issuer: 'http://localhost:8080',
      databaseUrl: 'sqlite:./data/revocation.sqlite',
      databaseSchema: undefined,
      importFile: undefined,
      logLevel: 'log',
      logJson: true,
      accessTokenTtl: 3600,
      refreshTokenTtl: 2592000,
      idTokenTtl: 3600,
      sessionIdleTimeout: 1800,
      sessionMaxLifetime: 28800,
      bodyLimit: 65536,
      signingKeyFile: undefined,
      sessionRevocationLifetime: 490,
      sessionRevocationListMax: 1000000,
    });
  });

  it('treats empty values as unset', () => {
    expect(loadAppConfig({ PORT: '', DATABASE_URL: '', IMPORT_FILE: '' })).toMatchObject({ port: 8080, databaseUrl: 'sqlite:./data/revocation.sqlite', importFile: undefined });
  });

  it('derives the default issuer from PORT and strips a trailing slash from ISSUER', () => {
    expect(loadAppConfig({ PORT: '9090' }).issuer).toBe('http://localhost:9090');
    expect(loadAppConfig({ ISSUER: 'https://idp.example.com/jans-auth/' }).issuer).toBe('https://idp.example.com/jans-auth');
  });

  it('reads numbers, booleans and both store kinds', () => {
    const c = loadAppConfig({
      PORT: '3000', HOST: '0.0.0.0', LOG_JSON: 'false', ACCESS_TOKEN_TTL: '600', BODY_LIMIT: '2048',
      DATABASE_URL: 'postgres://u:p@db:5432/revocation', DATABASE_SCHEMA: 'tenant_a', IMPORT_FILE: 'provision.json',
    });
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', logJson: false, accessTokenTtl: 600, bodyLimit: 2048, databaseUrl: 'postgres://u:p@db:5432/revocation', databaseSchema: 'tenant_a', importFile: 'provision.json' });
    expect(loadAppConfig({ DATABASE_URL: 'sqlite:/var/lib/revocation/store.sqlite' }).databaseUrl).toBe('sqlite:/var/lib/revocation/store.sqlite');
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DATABASE_URL', './data/revocation.sqlite'],
    ['ISSUER', 'localhost:8080'],
    ['ISSUER', 'ftp://idp.example.com'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_JSON', 'yes'],
    ['ACCESS_TOKEN_TTL', '5'],
    ['DATABASE_SCHEMA', 'Robert"); DROP'],
  ])('refuses %s=%s with a ConfigValidationError naming the variable', (name, value) => {
    const err = errorFor({ [name]: value });
    expect(err.message).toMatch(new RegExp(`^  ${name}=`, 'm'));
  });

  it('names every bad variable at once and nothing else', () => {
    const err = errorFor({ PORT: '-1', ISSUER: 'not a url', HOST: 'localhost' });
    expect(err.message).toMatch(/^  PORT=-1: /m);
    expect(err.message).toMatch(/^  ISSUER="not a url": ISSUER must be an http\(s\) URL/m);
    expect(err.message).not.toMatch(/HOST/);
  });

  it('ignores variables it does not know', () => {
    expect(() => loadAppConfig({ PATH: '/usr/bin', HOME: '/root' })).not.toThrow();
  });
});

describe('configuration documentation', () => {
  const variables = getMetadataStorage()
    .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
    .map((m) => m.propertyName);
  const root = join(__dirname, '../../../..');

  it('finds the variables to check', () => {
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'HOST', 'ISSUER', 'DATABASE_URL', 'IMPORT_FILE']));
  });

  it('.env.example shows every variable with its default', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const missing = [...new Set(variables)].filter((name) => !new RegExp(`^# ${name}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });

  it('the README configuration table lists every variable', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const missing = [...new Set(variables)].filter((name) => !new RegExp(`^\\| \`${name}\` \\|`, 'm').test(readme));
    expect(missing).toEqual([]);
  });
});
