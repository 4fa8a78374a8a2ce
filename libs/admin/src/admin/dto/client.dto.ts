import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEFAULT_ID_TOKEN_SIGNING_ALG, SIGNING_ALGORITHMS } from '@app/auth';
import { Check, isPlainObject, Items, Nested } from '../../validation/decorators';
import { absoluteUri, arrayOf, name, noDuplicates, oneOf, optional, resourceIndicator, scopeToken, text } from '../../validation/rules';

export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export const GRANT_TYPES = ['client_credentials', 'password', 'refresh_token', 'authorization_code'] as const;
/** Methods that authenticate with a shared secret, which the store keeps hashed. */
export const SECRET_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post'];
export const DEFAULT_AUTH_METHOD = 'client_secret_basic';
export const DEFAULT_GRANT_TYPES = ['client_credentials'];
export const ACCESS_TOKEN_FORMATS = ['jwt', 'reference'] as const;
export const DEFAULT_ACCESS_TOKEN_FORMAT = 'jwt';
export const MAX_CLIENT_RESOURCES = 50;

/** JWK members that only private or symmetric keys have (RFC 7518 §6). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const bool = optional((v) => (typeof v === 'boolean' ? null : 'must be true or false'));
const authMethodOf = (obj: Record<string, unknown>) => (typeof obj.token_endpoint_auth_method === 'string' ? obj.token_endpoint_auth_method : DEFAULT_AUTH_METHOD);

export const checkClientId = (v: unknown) => name(v, 255) ?? (/^[\x20-\x7E]+$/.test(v as string) ? null : 'must be printable ASCII');
export const checkClientSecret = (v: unknown) => text(v, 1024, 8);

/** PingFederate's access-token-manager session validation settings for this client's tokens. */
export class SessionValidationDto {
  @ApiPropertyOptional({ description: 'Put the session id (sid, pi.sri) into tokens' })
  @Check(bool) include_session_id?: boolean;

  @ApiPropertyOptional({ description: 'A token whose SRI is on the revocation list is inactive' })
  @Check(bool) check_session_revocation_status?: boolean;

  @ApiPropertyOptional({ description: 'A token whose session expired or ended is inactive' })
  @Check(bool) check_valid_authn_session?: boolean;

  @ApiPropertyOptional({ description: 'Using a token counts as session activity' })
  @Check(bool) update_authn_session_activity?: boolean;
}

/** An inline public JWKS (RFC 7517 §5); private members are refused. */
export class JwksDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, maxItems: 20 })
  @Check((v) => arrayOf(v, 20))
  @Items((key) => {
    if (!isPlainObject(key)) return 'must be a JWK object';
    if (typeof key.kty !== 'string' || key.kty.length === 0) return ['.kty', 'must be a non-empty string'];
    if (JSON.stringify(key).length > 8192) return 'must be at most 8192 characters of JSON';
    const secret = PRIVATE_JWK_MEMBERS.find((m) => m in key);
    return secret ? [`.${secret}`, 'private key material is not accepted; give public keys only'] : null;
  })
  keys: Record<string, unknown>[];
}

/**
 * A client's settings, shared by the import file, the admin API's create and its update.
 * Members left out take their defaults.
 */
export class ClientSettingsDto {
  @ApiPropertyOptional({ maxLength: 255, nullable: true, example: 'Relying party 1' })
  @Check(optional((v) => name(v, 255)))
  client_name?: string | null;

  @ApiPropertyOptional({ enum: AUTH_METHODS, default: DEFAULT_AUTH_METHOD })
  @Check((v, obj) => {
    if (v === undefined || v === null) return null;
    const p = oneOf(AUTH_METHODS)(v);
    if (p) return p;
    if (v === 'private_key_jwt' && !obj.jwks && !obj.jwks_uri) return 'private_key_jwt needs jwks or jwks_uri';
    return null;
  })
  token_endpoint_auth_method?: (typeof AUTH_METHODS)[number];

  @ApiPropertyOptional({ enum: GRANT_TYPES, isArray: true, default: DEFAULT_GRANT_TYPES })
  @Check(optional((v) => arrayOf(v, GRANT_TYPES.length)))
  @Items((g, i, all) => oneOf(GRANT_TYPES)(g) ?? noDuplicates(g, i, all))
  @Check((v, obj) => {
    const grants = v === undefined || v === null ? DEFAULT_GRANT_TYPES : v;
    if (!Array.isArray(grants)) return null;
    if (grants.includes('client_credentials') && authMethodOf(obj) === 'none') {
      return `client_credentials${grants === v ? '' : ' (the default)'} needs an authenticating client (token_endpoint_auth_method is none)`;
    }
    // Anyone could send guesses under a public client's id, and it cannot keep a password to itself (RFC 9700 §2.4).
    if (grants.includes('password') && authMethodOf(obj) === 'none') return 'password needs an authenticating client (token_endpoint_auth_method is none)';
    if (grants.includes('authorization_code') && !(Array.isArray(obj.redirect_uris) && obj.redirect_uris.length > 0)) return 'authorization_code needs at least one redirect_uri';
    return null;
  }, 'grantConsistency')
  grant_types?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 100, example: ['openid', 'profile'], default: [] })
  @Check(optional((v) => arrayOf(v, 100)))
  @Items((s, i, all) => scopeToken(s) ?? noDuplicates(s, i, all))
  scopes?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 50, default: [] })
  @Check(optional((v) => arrayOf(v, 50)))
  @Items((u, i, all) => absoluteUri(u, false) ?? noDuplicates(u, i, all))
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 50, nullable: true })
  @Check(optional((v) => arrayOf(v, 50)))
  @Items((u, i, all) => absoluteUri(u, false) ?? noDuplicates(u, i, all))
  post_logout_redirect_uris?: string[] | null;

  @ApiPropertyOptional({ nullable: true, description: 'OpenID Connect Back-Channel Logout URI' })
  @Check(optional((v) => absoluteUri(v, true)))
  backchannel_logout_uri?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Shared Signals receiver (RFC 8935 push) for CAEP session-revoked events' })
  @Check(optional((v) => absoluteUri(v, true)))
  caep_receiver_uri?: string | null;

  @ApiPropertyOptional({ default: false, description: 'May call the PingFederate Session Revocation API' })
  @Check(bool)
  session_revocation_api?: boolean;

  @ApiPropertyOptional({ default: false, description: 'May call the PingFederate Session Management API' })
  @Check(bool)
  session_management_api?: boolean;

  @ApiPropertyOptional({ type: JwksDto, nullable: true, description: 'Inline public JWKS' })
  @Nested(() => JwksDto)
  jwks?: JwksDto | null;

  @ApiPropertyOptional({ nullable: true })
  @Check(optional((v) => absoluteUri(v, true)))
  jwks_uri?: string | null;

  @ApiPropertyOptional({ type: SessionValidationDto, nullable: true })
  @Nested(() => SessionValidationDto)
  session_validation?: SessionValidationDto | null;

  @ApiPropertyOptional({
    enum: ACCESS_TOKEN_FORMATS, default: DEFAULT_ACCESS_TOKEN_FORMAT,
    description: 'jwt: RFC 9068 JWT access tokens that resource servers may verify with the JWKS; reference: opaque access tokens that only this server reads (resource servers introspect them), like Janssen\'s access_token_as_jwt=false and PingFederate\'s reference tokens',
  })
  @Check(optional(oneOf(ACCESS_TOKEN_FORMATS)))
  access_token_format?: (typeof ACCESS_TOKEN_FORMATS)[number];

  @ApiPropertyOptional({
    enum: SIGNING_ALGORITHMS, default: DEFAULT_ID_TOKEN_SIGNING_ALG,
    description: 'How this client\'s ID tokens and logout tokens are signed (OpenID Connect Dynamic Client Registration §2); RS256, OpenID Connect\'s default, unless ES256 is registered',
  })
  @Check(optional(oneOf(SIGNING_ALGORITHMS)))
  id_token_signed_response_alg?: (typeof SIGNING_ALGORITHMS)[number];

  @ApiPropertyOptional({
    type: [String], maxItems: MAX_CLIENT_RESOURCES, default: [], example: ['https://api.example.com'],
    description: 'RFC 8707 resource indicators the client may ask for with `resource` at /token and /authorize: absolute URIs without fragment, compared exactly. Each becomes the aud of the access tokens asked for it; a resource not listed is refused with invalid_target. Empty: the client\'s tokens keep the default audience (the issuer).',
  })
  @Check(optional((v) => arrayOf(v, MAX_CLIENT_RESOURCES)))
  @Items((r, i, all) => resourceIndicator(r) ?? noDuplicates(r, i, all))
  resources?: string[];
}

const secretRule = (requiredForSecretMethods: boolean) => (v: unknown, obj: Record<string, unknown>) => {
  const method = authMethodOf(obj);
  if (!SECRET_METHODS.includes(method)) return v === undefined || v === null ? null : `is not used with ${method}`;
  if (v === undefined || v === null) return requiredForSecretMethods ? `is required with ${method}` : null;
  return checkClientSecret(v);
};

/** A client in the import file: the secret is given in clear and stored hashed. */
export class ImportClientDto extends ClientSettingsDto {
  @ApiProperty({ maxLength: 255, example: 'rp1' })
  @Check(checkClientId)
  client_id: string;

  @ApiPropertyOptional({
    minLength: 8, maxLength: 1024,
    description: 'Required for a new client with client_secret_basic or client_secret_post; left out, an existing client keeps its secret (so an export, which has no secrets, imports back)',
  })
  @Check(secretRule(false))
  client_secret?: string;
}

/** POST /admin/clients: without client_secret, a random one is generated and shown once. */
export class CreateClientDto extends ClientSettingsDto {
  @ApiProperty({ maxLength: 255, example: 'rp1' })
  @Check(checkClientId)
  client_id: string;

  @ApiPropertyOptional({ minLength: 8, maxLength: 1024, description: 'Left out: a random secret is generated and shown once' })
  @Check(secretRule(false))
  client_secret?: string;
}

/** PUT /admin/clients/{id}: the client's settings, replaced as a whole; the secret changes through rotation only. */
export class UpdateClientDto extends ClientSettingsDto {}

/** POST /admin/clients/{id}/secret. */
export class RotateSecretDto {
  @ApiPropertyOptional({ minLength: 8, maxLength: 1024, description: 'Left out: a random secret is generated' })
  @Check(optional(checkClientSecret))
  client_secret?: string;
}

export class ClientViewDto {
  @ApiProperty() client_id: string;
  @ApiProperty({ nullable: true, type: String }) client_name: string | null;
  @ApiProperty({ enum: AUTH_METHODS }) token_endpoint_auth_method: string;
  @ApiProperty({ enum: GRANT_TYPES, isArray: true }) grant_types: string[];
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiProperty({ type: [String] }) redirect_uris: string[];
  @ApiProperty({ type: [String], nullable: true }) post_logout_redirect_uris: string[] | null;
  @ApiProperty({ nullable: true, type: String }) backchannel_logout_uri: string | null;
  @ApiProperty({ nullable: true, type: String }) caep_receiver_uri: string | null;
  @ApiProperty() session_revocation_api: boolean;
  @ApiProperty() session_management_api: boolean;
  @ApiProperty({ type: JwksDto, nullable: true }) jwks: { keys: object[] } | null;
  @ApiProperty({ nullable: true, type: String }) jwks_uri: string | null;
  @ApiProperty({ type: SessionValidationDto, nullable: true }) session_validation: SessionValidationDto | null;
  @ApiProperty({ enum: ACCESS_TOKEN_FORMATS }) access_token_format: string;
  @ApiProperty({ enum: SIGNING_ALGORITHMS }) id_token_signed_response_alg: string;
  @ApiProperty({ type: [String], description: 'RFC 8707 resource indicators the client may ask for' }) resources: string[];
  @ApiProperty({ description: 'Whether a secret is set (the secret itself is never shown again)' }) has_secret: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

/** A client with its new secret: the only time the secret is shown. */
export class ClientWithSecretDto extends ClientViewDto {
  @ApiPropertyOptional({ description: 'Shown once; only its hash is stored' }) client_secret?: string;
}
