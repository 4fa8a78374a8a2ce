import { loadServerConfig } from './server-config';
import { parseTrustProxy } from './environment-variables';
import { ConfigValidationError } from './validate-config';

describe('audit log and proxy settings', () => {
  it('defaults: ./logs/runtime-api.log, daily or 100M rotation, 30 gzipped files, no extras, the runtime APIs, no trusted proxy', () => {
    const c = loadServerConfig({});
    expect(c.audit).toEqual({
      file: './logs/runtime-api.log', rotateSize: '100M', rotateInterval: '1d', maxFiles: 30, compress: true, extraFields: [],
      paths: ['/revoke', '/admin', '/pf-ws/rest/sessionMgmt', '/jans-auth/restv1/global-token-revocation'],
      refusalLinesPerAddress: 20, refusalLinesTotal: 1000, refusalWindow: 60,
    });
    expect(c.http.trustProxy).toBe(false);
  });

  it('follows the global token revocation prefix, and reads every variable', () => {
    expect(loadServerConfig({ GLOBAL_TOKEN_REVOCATION_PREFIX: '/' }).audit.paths).toContain('/global-token-revocation');
    expect(loadServerConfig({
      AUDIT_LOG_FILE: '/var/log/rs/api.log', AUDIT_LOG_ROTATE_SIZE: 'off', AUDIT_LOG_ROTATE_INTERVAL: '12h', AUDIT_LOG_MAX_FILES: '7',
      AUDIT_LOG_COMPRESS: 'false', AUDIT_EXTRA_FIELDS: 'note, request_id,note', AUDIT_PATHS: '/admin, /custom/api',
      AUDIT_REFUSAL_LINES_PER_ADDRESS: '0', AUDIT_REFUSAL_LINES_TOTAL: '50', AUDIT_REFUSAL_WINDOW: '10',
    }).audit).toEqual({
      file: '/var/log/rs/api.log', rotateSize: undefined, rotateInterval: '12h', maxFiles: 7,
      compress: false, extraFields: ['note', 'request_id'], paths: ['/admin', '/custom/api'],
      refusalLinesPerAddress: 0, refusalLinesTotal: 50, refusalWindow: 10,
    });
    expect(loadServerConfig({ AUDIT_LOG_ROTATE_INTERVAL: 'off' }).audit.rotateInterval).toBeUndefined();
  });

  it.each([
    ['off', false], ['false', false], ['true', true], ['2', 2],
    ['10.0.0.0/8, 192.168.1.10,::1, fd00::/8,loopback', ['10.0.0.0/8', '192.168.1.10', '::1', 'fd00::/8', 'loopback']],
  ])('TRUST_PROXY=%s is %j (Fastify trustProxy)', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
    expect(loadServerConfig({ TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
  });

  it.each([
    ['TRUST_PROXY', 'proxy.example.com'], ['TRUST_PROXY', '10.0.0.0/33'], ['TRUST_PROXY', '10.0.0.1/8/1'], ['TRUST_PROXY', '10.0.0.1,'],
    ['AUDIT_LOG_ROTATE_INTERVAL', '7h'], ['AUDIT_LOG_ROTATE_INTERVAL', '13m'], ['AUDIT_LOG_ROTATE_INTERVAL', '1w'],
    ['AUDIT_LOG_ROTATE_SIZE', '10MB'], ['AUDIT_LOG_ROTATE_SIZE', '0M'], ['AUDIT_LOG_MAX_FILES', '0'],
    ['AUDIT_EXTRA_FIELDS', 'cookie'], ['AUDIT_EXTRA_FIELDS', 'request_id,authorization'], ['AUDIT_PATHS', 'admin'],
    ['AUDIT_REFUSAL_LINES_PER_ADDRESS', '-1'], ['AUDIT_REFUSAL_LINES_TOTAL', 'many'], ['AUDIT_REFUSAL_WINDOW', '0'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadServerConfig({ [name]: value })).toThrow(ConfigValidationError);
    expect(() => loadServerConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
  });
});
