import { loadAppConfig } from './app.config';
import { parseTrustProxy } from './environment-variables';
import { ConfigValidationError } from './validate-config';

describe('audit log and proxy settings', () => {
  it('defaults: ./logs/runtime-api.log, daily or 100M rotation, 30 gzipped files, no extras, the runtime APIs, no trusted proxy', () => {
    expect(loadAppConfig({})).toMatchObject({
      auditLogFile: './logs/runtime-api.log', auditLogRotateSize: '100M', auditLogRotateInterval: '1d', auditLogMaxFiles: 30,
      auditLogCompress: true, auditExtraFields: [], trustProxy: false,
      auditPaths: ['/revoke', '/admin', '/pf-ws/rest/sessionMgmt', '/jans-auth/restv1/global-token-revocation'],
    });
  });

  it('follows the global token revocation prefix, and reads every variable', () => {
    expect(loadAppConfig({ GLOBAL_TOKEN_REVOCATION_PREFIX: '/' }).auditPaths).toContain('/global-token-revocation');
    expect(loadAppConfig({
      AUDIT_LOG_FILE: '/var/log/rs/api.log', AUDIT_LOG_ROTATE_SIZE: 'off', AUDIT_LOG_ROTATE_INTERVAL: '12h', AUDIT_LOG_MAX_FILES: '7',
      AUDIT_LOG_COMPRESS: 'false', AUDIT_EXTRA_FIELDS: 'note, request_id,note', AUDIT_PATHS: '/admin, /custom/api',
    })).toMatchObject({
      auditLogFile: '/var/log/rs/api.log', auditLogRotateSize: undefined, auditLogRotateInterval: '12h', auditLogMaxFiles: 7,
      auditLogCompress: false, auditExtraFields: ['note', 'request_id'], auditPaths: ['/admin', '/custom/api'],
    });
    expect(loadAppConfig({ AUDIT_LOG_ROTATE_INTERVAL: 'off' }).auditLogRotateInterval).toBeUndefined();
  });

  it.each([
    ['off', false], ['false', false], ['true', true], ['2', 2],
    ['10.0.0.0/8, 192.168.1.10,::1, fd00::/8,loopback', ['10.0.0.0/8', '192.168.1.10', '::1', 'fd00::/8', 'loopback']],
  ])('TRUST_PROXY=%s is %j (Fastify trustProxy)', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
    expect(loadAppConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each([
    ['TRUST_PROXY', 'proxy.example.com'], ['TRUST_PROXY', '10.0.0.0/33'], ['TRUST_PROXY', '10.0.0.1/8/1'], ['TRUST_PROXY', '10.0.0.1,'],
    ['AUDIT_LOG_ROTATE_INTERVAL', '7h'], ['AUDIT_LOG_ROTATE_INTERVAL', '13m'], ['AUDIT_LOG_ROTATE_INTERVAL', '1w'],
    ['AUDIT_LOG_ROTATE_SIZE', '10MB'], ['AUDIT_LOG_ROTATE_SIZE', '0M'], ['AUDIT_LOG_MAX_FILES', '0'],
    ['AUDIT_EXTRA_FIELDS', 'cookie'], ['AUDIT_EXTRA_FIELDS', 'request_id,authorization'], ['AUDIT_PATHS', 'admin'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadAppConfig({ [name]: value })).toThrow(ConfigValidationError);
    expect(() => loadAppConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
  });
});
