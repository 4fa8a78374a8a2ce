import { DtoValidationError, validateDto } from '../validation/validate-dto';
import { FEATURE_FLAGS } from '@app/feature-flag';
import { ImportFileDto } from './import-file.dto';

/** The exact shape issue 2 promises. */
export const EXAMPLE_IMPORT = {
  clients: [{
    client_id: 'rp1', client_secret: 'rp1-secret', token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['password', 'refresh_token', 'client_credentials'], scopes: ['openid', 'profile'],
    session_revocation_api: false, session_management_api: false, redirect_uris: [], backchannel_logout_uri: null,
  }],
  users: [{ uid: 'breakfast', password: 'a-password', attributes: { mail: 'breakfast@example.com' } }],
  feature_flags: { GLOBAL_TOKEN_REVOCATION: true },
};

function problemsOf(doc: unknown): string[] {
  try {
    validateDto(ImportFileDto, doc);
  } catch (err) {
    if (err instanceof DtoValidationError) return err.problems;
    throw err;
  }
  return [];
}

const client = (extra: Record<string, unknown>) => ({ clients: [{ client_id: 'c', client_secret: 'a-long-secret', ...extra }] });

describe('ImportFileDto', () => {
  it('accepts the documented shape and an empty document', () => {
    expect(problemsOf(EXAMPLE_IMPORT)).toEqual([]);
    expect(problemsOf({})).toEqual([]);
    const doc = validateDto(ImportFileDto, JSON.parse(JSON.stringify(EXAMPLE_IMPORT)));
    expect(doc.clients?.[0].client_id).toBe('rp1');
    expect(doc.users?.[0].attributes).toEqual({ mail: 'breakfast@example.com' });
  });

  it('accepts every optional client and user member', () => {
    expect(problemsOf({
      clients: [{
        client_id: 'jwt-client', client_name: 'JWT client', token_endpoint_auth_method: 'private_key_jwt',
        grant_types: ['authorization_code', 'refresh_token'], scopes: ['openid'], redirect_uris: ['https://rp.example/cb'],
        post_logout_redirect_uris: ['https://rp.example/bye'], backchannel_logout_uri: 'https://rp.example/bcl',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] }, jwks_uri: null,
        session_validation: { include_session_id: true, check_session_revocation_status: true, check_valid_authn_session: false, update_authn_session_activity: true },
      }, { client_id: 'spa', token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], redirect_uris: ['http://localhost:3000/cb'] }],
      users: [{ uid: 'lunch', sub: 'user-0001', attributes: { uid: 'lunch', 'urn:oid:0.9.2342.19200300.100.1.3': 'lunch@example.com', phone_number: '' } }],
    })).toEqual([]);
  });

  it('names every problem by its JSON path', () => {
    expect(problemsOf({
      clients: [
        { client_id: 'rp1', client_secret: 'rp1-secret', grant_types: ['password', 'implicit'], scopes: ['openid', 'has space'] },
        'not an object',
        { client_id: 'rp1', client_secret: 'rp1-secret', colour: 'blue' },
      ],
      users: [{ uid: 'breakfast', attributes: { '1bad': 'x', mail: 7, long: 'x'.repeat(1025) } }, { password: 'p' }],
      feature_flags: { GLOBAL_TOKEN_REVOCATION: 'yes', NO_SUCH_FLAG: true },
      extra: 1,
    }).sort()).toEqual([
      'clients[0].grant_types[1]: must be one of client_credentials, password, refresh_token, authorization_code',
      'clients[0].scopes[1]: must be a scope token (printable ASCII, no spaces, quotes or backslashes)',
      'clients[1]: must be an object',
      'clients[2].client_id: duplicates [0].client_id',
      'clients[2].colour: unknown member',
      'extra: unknown member',
      'feature_flags.GLOBAL_TOKEN_REVOCATION: must be true or false',
      `feature_flags.NO_SUCH_FLAG: is not a known feature flag (known: ${Object.keys(FEATURE_FLAGS).join(', ')})`,
      'users[0].attributes.long: must be at most 1024 characters long',
      'users[0].attributes.mail: must be a string',
      'users[0].attributes["1bad"]: is not a valid attribute name (^[A-Za-z][A-Za-z0-9_.:-]{0,127}$)',
      'users[1].uid: must be a string',
    ].sort());
  });

  it('refuses a document that is not an object, and wrong container types', () => {
    expect(problemsOf([])).toEqual(['(root): must be a JSON object']);
    expect(problemsOf({ clients: {}, users: 'x', feature_flags: [] })).toEqual([
      'clients: must be an array', 'users: must be an array', 'feature_flags: must be an object',
    ]);
  });

  it('checks secrets against the authentication method', () => {
    // Left out, a secret is checked against the store: a new client needs one, an existing one keeps its own.
    expect(problemsOf(client({ client_secret: undefined }))).toEqual([]);
    expect(problemsOf(client({ client_secret: 'short' }))).toEqual(['clients[0].client_secret: must be at least 8 characters long']);
    expect(problemsOf(client({ token_endpoint_auth_method: 'none', grant_types: ['refresh_token'] }))).toEqual(['clients[0].client_secret: is not used with none']);
    expect(problemsOf(client({ client_secret: undefined, token_endpoint_auth_method: 'private_key_jwt' }))).toEqual([
      'clients[0].token_endpoint_auth_method: private_key_jwt needs jwks or jwks_uri',
    ]);
    expect(problemsOf(client({ client_secret: undefined, token_endpoint_auth_method: 'none' }))).toEqual([
      'clients[0].grant_types: client_credentials (the default) needs an authenticating client (token_endpoint_auth_method is none)',
    ]);
  });

  it('refuses a public client with the password grant: anyone could guess passwords under its id', () => {
    expect(problemsOf(client({ client_secret: undefined, token_endpoint_auth_method: 'none', grant_types: ['password', 'refresh_token'] }))).toEqual([
      'clients[0].grant_types: password needs an authenticating client (token_endpoint_auth_method is none)',
    ]);
    expect(problemsOf(client({ grant_types: ['password'] }))).toEqual([]);
  });

  it('refuses private key material, bad URIs, duplicates and oversized values', () => {
    expect(problemsOf(client({ jwks: { keys: [{ kty: 'EC', d: 'secret' }, {}] }, redirect_uris: ['/relative', 'https://a.example/#frag'] })).sort()).toEqual([
      'clients[0].jwks.keys[0].d: private key material is not accepted; give public keys only',
      'clients[0].jwks.keys[1].kty: must be a non-empty string',
      'clients[0].redirect_uris[0]: must be an absolute URI',
      'clients[0].redirect_uris[1]: must not contain a fragment',
    ]);
    expect(problemsOf(client({ grant_types: ['password', 'password'], client_id: 'x'.repeat(256), backchannel_logout_uri: 'ftp://x' })).sort()).toEqual([
      'clients[0].backchannel_logout_uri: must be an http or https URL',
      'clients[0].client_id: must be at most 255 characters long',
      'clients[0].grant_types[1]: duplicates item [0]',
    ]);
    expect(problemsOf(client({ session_validation: { include_session_id: 'yes', other: true }, jwks: [] })).sort()).toEqual([
      'clients[0].jwks: must be an object',
      'clients[0].session_validation.include_session_id: must be true or false',
      'clients[0].session_validation.other: unknown member',
    ]);
    expect(problemsOf({ users: [{ uid: 'a', sub: 'has space' }, { uid: 'a' }, { uid: 'b', attributes: { uid: 'c' } }] }).sort()).toEqual([
      'users[0].sub: must be letters, digits and . _ : @ - (64 at most), starting with a letter or digit',
      'users[1].uid: duplicates [0].uid',
      'users[2].attributes.uid: must equal uid (or be left out)',
    ]);
  });

  it('keeps __proto__ a refused member instead of a prototype', () => {
    const doc = JSON.parse('{"__proto__": {"polluted": true}, "users": [{"uid": "a", "__proto__": {"x": 1}, "constructor": "x"}]}');
    expect(problemsOf(doc).sort()).toEqual(['__proto__: unknown member', 'users[0].__proto__: unknown member', 'users[0].constructor: unknown member']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
