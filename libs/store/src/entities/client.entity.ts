import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMsColumn, jsonColumn } from './columns';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/** `jwt`: RFC 9068 JWT access tokens; `reference`: opaque ones that resource servers introspect. */
export type AccessTokenFormat = 'jwt' | 'reference';

/** JWS algorithms of the server's signing keys: ID tokens use the one a client registers (`id_token_signed_response_alg`). */
export type SigningAlg = 'ES256' | 'RS256';

/** PingFederate's access-token-manager session validation settings, as a per-client policy. */
export interface SessionValidationPolicy {
  include_session_id?: boolean;
  check_session_revocation_status?: boolean;
  check_valid_authn_session?: boolean;
  update_authn_session_activity?: boolean;
}

@Entity('client')
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Column({ name: 'client_name', type: 'varchar', length: 255, nullable: true })
  clientName: string | null;

  /** scrypt hash (`scrypt$N$r$p$salt$hash`); never the secret itself. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 512, nullable: true })
  secretHash: string | null;

  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 64, default: 'client_secret_basic' })
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;

  @Column({ name: 'grant_types', ...jsonColumn() })
  grantTypes: string[];

  @Column(jsonColumn())
  scopes: string[];

  @Column({ name: 'redirect_uris', ...jsonColumn() })
  redirectUris: string[];

  @Column({ name: 'post_logout_redirect_uris', ...jsonColumn({ nullable: true }) })
  postLogoutRedirectUris: string[] | null;

  @Column({ name: 'backchannel_logout_uri', type: 'varchar', length: 2048, nullable: true })
  backchannelLogoutUri: string | null;

  /** Shared Signals push receiver (RFC 8935) for CAEP session-revoked events. */
  @Column({ name: 'caep_receiver_uri', type: 'varchar', length: 2048, nullable: true })
  caepReceiverUri: string | null;

  @Column({ name: 'session_revocation_api', type: 'boolean', default: false })
  sessionRevocationApi: boolean;

  @Column({ name: 'session_management_api', type: 'boolean', default: false })
  sessionManagementApi: boolean;

  /** Public keys for JWT client assertions / global-token-revocation+jwt callers (inline JWKS). */
  @Column(jsonColumn({ nullable: true }))
  jwks: { keys: object[] } | null;

  @Column({ name: 'jwks_uri', type: 'varchar', length: 2048, nullable: true })
  jwksUri: string | null;

  @Column({ name: 'session_validation', ...jsonColumn({ nullable: true }) })
  sessionValidation: SessionValidationPolicy | null;

  @Column({ name: 'access_token_format', type: 'varchar', length: 16, default: 'jwt' })
  accessTokenFormat: AccessTokenFormat;

  /** OpenID Connect Dynamic Client Registration §2; RS256 unless registered otherwise (OpenID Connect Core §3.1.3.7). */
  @Column({ name: 'id_token_signed_response_alg', type: 'varchar', length: 16, default: 'RS256' })
  idTokenSignedResponseAlg: SigningAlg;

  /**
   * RFC 8707 resource indicators this client may ask for (absolute URIs, compared exactly): each
   * becomes the `aud` of the access tokens asked for it. Empty: the client's tokens keep the default audience.
   * No default declared here (the table has one, for the rows stored before the column): on
   * PostgreSQL TypeORM reads a declared default back after an insert as unparsed text.
   * ClientRepository gives an empty list to a client created without one.
   */
  @Column(jsonColumn())
  resources: string[];

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;

  @Column({ name: 'updated_at', ...epochMsColumn() })
  updatedAt: number;
}
