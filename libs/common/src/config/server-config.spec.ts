import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { hashingConfig, loadServerConfig, withOverrides } from './server-config';
import { EnvironmentVariables } from './environment-variables';
import { ConfigValidationError } from './validate-config';

/** The error loadServerConfig throws for `env`, or a failure if it throws none. */
function errorFor(env: Record<string, string>): ConfigValidationError {
  try {
    loadServerConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return err as ConfigValidationError;
  }
  throw new Error(`loadServerConfig accepted ${JSON.stringify(env)}`);
}

describe('loadServerConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadServerConfig({})).toMatchObject({
      http: { port: 8080, host: '127.0.0.1', issuer: 'http://localhost:8080', bodyLimit: 65536, requestTimeout: 30, corsOrigins: [] },
      logging: { level: 'log', json: true },
      store: { databaseUrl: 'sqlite:./data/revocation.sqlite', databaseSchema: undefined, importFile: undefined },
      tokens: { accessTokenTtl: 3600, refreshTokenTtl: 2592000, idTokenTtl: 3600, authorizationCodeTtl: 60, signingKeyFile: undefined },
      sessions: { idleTimeout: 1800, idleTimeoutOverrides: {}, maxLifetime: 28800, userKeyAttribute: 'uid', endSessionRevokeUserSession: true, watermarkWorker: true },
      revocationList: { lifetime: 490, max: 1000000, purgeInterval: 60 },
      globalRevocation: { pathPrefix: '/jans-auth/restv1', unknownUserStatus: 204, assertionMaxLifetime: 300 },
      notifications: {
        worker: true, pollIntervalMs: 1000, maxAttempts: 10, retryBaseMs: 5000, retryMaxMs: 3600000, timeoutMs: 5000, receiverConcurrency: 2, circuitFailures: 5, circuitCooldownMs: 30000,
      },
      outbound: { allowHttp: false, allowedHosts: [] },
      authFailures: { perClient: 20, perIp: 100, window: 300 },
      redis: { url: undefined, keyPrefix: 'revocation:' },
      metrics: { enabled: true, token: undefined },
    });
  });

  it('treats empty values as unset', () => {
    const c = loadServerConfig({ PORT: '', DATABASE_URL: '', IMPORT_FILE: '' });
    expect(c.http.port).toBe(8080);
    expect(c.store).toMatchObject({ databaseUrl: 'sqlite:./data/revocation.sqlite', importFile: undefined });
  });

  it('derives the default issuer from PORT and strips a trailing slash from ISSUER', () => {
    expect(loadServerConfig({ PORT: '9090' }).http.issuer).toBe('http://localhost:9090');
    expect(loadServerConfig({ ISSUER: 'https://idp.example.com/jans-auth/' }).http.issuer).toBe('https://idp.example.com/jans-auth');
  });

  it('reads numbers, booleans and both store kinds', () => {
    const c = loadServerConfig({
      PORT: '3000', HOST: '0.0.0.0', LOG_JSON: 'false', ACCESS_TOKEN_TTL: '600', BODY_LIMIT: '2048',
      DATABASE_URL: 'postgres://u:p@db:5432/revocation', DATABASE_SCHEMA: 'tenant_a', IMPORT_FILE: 'provision.json',
    });
    expect(c).toMatchObject({
      http: { port: 3000, host: '0.0.0.0', bodyLimit: 2048 }, logging: { json: false }, tokens: { accessTokenTtl: 600 },
      store: { databaseUrl: 'postgres://u:p@db:5432/revocation', databaseSchema: 'tenant_a', importFile: 'provision.json' },
    });
    expect(loadServerConfig({ DATABASE_URL: 'sqlite:/var/lib/revocation/store.sqlite' }).store.databaseUrl).toBe('sqlite:/var/lib/revocation/store.sqlite');
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

  it('applies overrides slice by slice, keeping the slice\'s other settings, and refuses an unknown slice', () => {
    const c = withOverrides(loadServerConfig({ SESSION_REVOCATION_LIST_MAX: '50' }), { revocationList: { lifetime: 60 } });
    expect(c.revocationList).toEqual({ lifetime: 60, max: 50, purgeInterval: 60 });
    expect(() => withOverrides(loadServerConfig({}), { sessionRevocationLifetime: 60 } as never)).toThrow(/Unknown configuration slice sessionRevocationLifetime/);
  });

  it('reads the failure limit mode and its exempt addresses, and sizes hashing from the thread pool', () => {
    expect(loadServerConfig({}).authFailures).toMatchObject({ mode: 'lockout', exemptAddresses: [] });
    expect(loadServerConfig({}).hashing).toEqual(hashingConfig(undefined, undefined, undefined));
    const c = loadServerConfig({ AUTH_FAILURE_MODE: 'delay', AUTH_FAILURE_EXEMPT_ADDRESSES: '10.1.2.3, 192.0.2.0/24,fd00::/8' });
    expect(c.authFailures).toMatchObject({ mode: 'delay', exemptAddresses: ['10.1.2.3', '192.0.2.0/24', 'fd00::/8'] });
    // The thread pool less two, the CPUs less one, at least one; four waiting per running hash.
    expect(hashingConfig(undefined, undefined, undefined, 16)).toEqual({ concurrency: 2, queue: 8 });
    expect(hashingConfig(undefined, undefined, '8', 16)).toEqual({ concurrency: 6, queue: 24 });
    expect(hashingConfig(undefined, undefined, '8', 2)).toEqual({ concurrency: 1, queue: 4 });
    expect(hashingConfig(undefined, undefined, '2', 16)).toEqual({ concurrency: 1, queue: 4 });
    expect(loadServerConfig({ HASH_CONCURRENCY: '3', HASH_QUEUE: '0' }).hashing).toEqual({ concurrency: 3, queue: 0 });
    expect(errorFor({ AUTH_FAILURE_EXEMPT_ADDRESSES: '10.0.0.0/33' }).message).toMatch(/^  AUTH_FAILURE_EXEMPT_ADDRESSES=/m);
    expect(errorFor({ AUTH_FAILURE_MODE: 'ban' }).message).toMatch(/^  AUTH_FAILURE_MODE=/m);
    expect(errorFor({ HASH_CONCURRENCY: '0' }).message).toMatch(/^  HASH_CONCURRENCY=/m);
  });

  it('requires a key-encryption key in production unless plain-text keys are allowed, and reads one from the file or the environment', () => {
    expect(loadServerConfig({}).store).toMatchObject({ allowPlaintextKeys: true, keyEncryptionKeyFile: undefined, keyEncryptionKey: undefined });
    expect(loadServerConfig({ NODE_ENV: 'production' }).store.allowPlaintextKeys).toBe(false);
    expect(loadServerConfig({ NODE_ENV: 'production', ALLOW_PLAINTEXT_KEYS: 'true' }).store.allowPlaintextKeys).toBe(true);
    expect(loadServerConfig({ ALLOW_PLAINTEXT_KEYS: 'false' }).store.allowPlaintextKeys).toBe(false);
    expect(loadServerConfig({ KEY_ENCRYPTION_KEY_FILE: '/run/secrets/kek' }).store.keyEncryptionKeyFile).toBe('/run/secrets/kek');
    expect(errorFor({ KEY_ENCRYPTION_KEY: 'not a key!' }).message).toMatch(/^  KEY_ENCRYPTION_KEY=.*must be base64 keys/m);
    expect(loadServerConfig({}).tokens.signingKeyReloadInterval).toBe(30);
    expect(errorFor({ SIGNING_KEY_RELOAD_INTERVAL: '0' }).message).toMatch(/^  SIGNING_KEY_RELOAD_INTERVAL=/m);
  });

  it('ignores variables it does not know', () => {
    expect(() => loadServerConfig({ PATH: '/usr/bin', HOME: '/root' })).not.toThrow();
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
