import { Injectable } from '@nestjs/common';
import { conflict, invalidRequest, notFound, OutboundUrlPolicy } from '@app/common';
import { DEFAULT_ID_TOKEN_SIGNING_ALG, generateSecret, hashClientSecret } from '@app/auth';
import { ClientEntity, ClientRepository, SessionValidationPolicy, TokenRepository, Transactor } from '@app/store';
import {
  ClientSettingsDto, ClientViewDto, ClientWithSecretDto, CreateClientDto, DEFAULT_AUTH_METHOD, DEFAULT_GRANT_TYPES,
  DEFAULT_ACCESS_TOKEN_FORMAT, RotateSecretDto, SECRET_METHODS, UpdateClientDto,
} from './dto/client.dto';
import { applyMergePatch } from '../validation/merge-patch';
import { outboundUriProblems } from '../validation/outbound-uris';
import { validateBody } from '../validation/validate-dto';

/** The client columns that settings set; the id, secret hash and timestamps are handled apart. */
export type ClientSettings = Omit<ClientEntity, 'clientId' | 'secretHash' | 'createdAt' | 'updatedAt'>;

const SESSION_VALIDATION_KEYS = ['include_session_id', 'check_session_revocation_status', 'check_valid_authn_session', 'update_authn_session_activity'] as const;

/** Settings from a validated DTO; members left out take their defaults. */
export function clientSettingsFrom(dto: ClientSettingsDto): ClientSettings {
  let sessionValidation: SessionValidationPolicy | null = null;
  if (dto.session_validation) {
    sessionValidation = {};
    for (const key of SESSION_VALIDATION_KEYS) if (typeof dto.session_validation[key] === 'boolean') sessionValidation[key] = dto.session_validation[key];
  }
  return {
    clientName: dto.client_name ?? null,
    tokenEndpointAuthMethod: dto.token_endpoint_auth_method ?? DEFAULT_AUTH_METHOD,
    grantTypes: [...(dto.grant_types ?? DEFAULT_GRANT_TYPES)],
    scopes: [...(dto.scopes ?? [])],
    redirectUris: [...(dto.redirect_uris ?? [])],
    postLogoutRedirectUris: dto.post_logout_redirect_uris ? [...dto.post_logout_redirect_uris] : null,
    backchannelLogoutUri: dto.backchannel_logout_uri ?? null,
    caepReceiverUri: dto.caep_receiver_uri ?? null,
    sessionRevocationApi: dto.session_revocation_api ?? false,
    sessionManagementApi: dto.session_management_api ?? false,
    jwks: dto.jwks ? { keys: dto.jwks.keys.map((k) => ({ ...k })) } : null,
    jwksUri: dto.jwks_uri ?? null,
    sessionValidation,
    accessTokenFormat: dto.access_token_format ?? DEFAULT_ACCESS_TOKEN_FORMAT,
    idTokenSignedResponseAlg: dto.id_token_signed_response_alg ?? DEFAULT_ID_TOKEN_SIGNING_ALG,
    resources: [...(dto.resources ?? [])],
  };
}

const SETTINGS_KEYS: (keyof ClientSettings)[] = [
  'clientName', 'tokenEndpointAuthMethod', 'grantTypes', 'scopes', 'redirectUris', 'postLogoutRedirectUris', 'backchannelLogoutUri', 'caepReceiverUri',
  'sessionRevocationApi', 'sessionManagementApi', 'jwks', 'jwksUri', 'sessionValidation', 'accessTokenFormat', 'idTokenSignedResponseAlg', 'resources',
];

/** Whether a stored client already has these settings (so a re-import writes nothing). */
export function hasSettings(client: ClientEntity, settings: ClientSettings): boolean {
  return SETTINGS_KEYS.every((k) => JSON.stringify(client[k] ?? null) === JSON.stringify(settings[k] ?? null));
}

export function usesSecret(method: string): boolean {
  return SECRET_METHODS.includes(method);
}

/** What the admin API shows of a client: everything but the secret hash. */
export function toClientView(c: ClientEntity): ClientViewDto {
  return {
    client_id: c.clientId,
    client_name: c.clientName,
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    grant_types: c.grantTypes,
    scopes: c.scopes,
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris,
    backchannel_logout_uri: c.backchannelLogoutUri,
    caep_receiver_uri: c.caepReceiverUri ?? null,
    session_revocation_api: c.sessionRevocationApi,
    session_management_api: c.sessionManagementApi,
    jwks: c.jwks,
    jwks_uri: c.jwksUri,
    session_validation: c.sessionValidation,
    access_token_format: c.accessTokenFormat,
    id_token_signed_response_alg: c.idTokenSignedResponseAlg,
    resources: c.resources ?? [],
    has_secret: c.secretHash !== null,
    created_at: new Date(c.createdAt).toISOString(),
    updated_at: new Date(c.updatedAt).toISOString(),
  };
}

/** What a client listing keeps: clients with this grant type, scope, authentication method and resource. */
export interface ClientFilter {
  grantType?: string;
  scope?: string;
  authMethod?: string;
  resource?: string;
}

/** A client's settings as a document (its view less what no update sets): what a merge patch applies to. */
export function clientSettingsDocument(view: ClientViewDto): Record<string, unknown> {
  const { client_id: _id, has_secret: _secret, created_at: _created, updated_at: _updated, ...settings } = view;
  return settings;
}

/** Client registrations for the admin API and the CLI. Secrets are stored hashed and shown once. */
@Injectable()
export class ClientAdminService {
  constructor(
    private readonly clients: ClientRepository, private readonly tokens: TokenRepository, private readonly tx: Transactor, private readonly outbound: OutboundUrlPolicy,
  ) {}

  /** Every client, or those holding all that `filter` names. */
  async list(filter: ClientFilter = {}): Promise<ClientViewDto[]> {
    return (await this.clients.list())
      .filter((c) => (filter.grantType === undefined || c.grantTypes.includes(filter.grantType))
        && (filter.scope === undefined || c.scopes.includes(filter.scope))
        && (filter.authMethod === undefined || c.tokenEndpointAuthMethod === filter.authMethod)
        && (filter.resource === undefined || (c.resources ?? []).includes(filter.resource)))
      .map(toClientView);
  }

  async get(clientId: string): Promise<ClientViewDto> {
    return toClientView(await this.require(clientId));
  }

  /** Registers a client; a secret-based client without a given secret gets a random one. Either is returned this once. */
  async create(dto: CreateClientDto): Promise<ClientWithSecretDto> {
    this.checkOutboundUris(dto);
    if (await this.clients.findById(dto.client_id)) throw conflict(`A client with the id "${dto.client_id}" exists.`);
    const settings = clientSettingsFrom(dto);
    const secret = usesSecret(settings.tokenEndpointAuthMethod) ? dto.client_secret ?? generateSecret() : undefined;
    const now = Date.now();
    const client = this.clients.create({
      ...settings, clientId: dto.client_id, secretHash: secret === undefined ? null : await hashClientSecret(secret), createdAt: now, updatedAt: now,
    });
    // A concurrent create of the same id can also fail on the primary key (PostgreSQL): the same 409.
    const inserted = await this.clients.insert(client).catch(async (err: unknown) => {
      if (await this.clients.findById(dto.client_id)) return false;
      throw err;
    });
    if (!inserted) throw conflict(`A client with the id "${dto.client_id}" exists.`);
    return { ...toClientView(client), ...(secret !== undefined ? { client_secret: secret } : {}) };
  }

  /**
   * Replaces a client's settings. The secret stays while the method still uses one and is
   * dropped when it no longer does; a client switched to a secret method gets one by rotation.
   */
  async update(clientId: string, dto: UpdateClientDto): Promise<ClientViewDto> {
    this.checkOutboundUris(dto);
    const existing = await this.require(clientId);
    const settings = clientSettingsFrom(dto);
    const client = this.clients.create({
      ...existing, ...settings,
      secretHash: usesSecret(settings.tokenEndpointAuthMethod) ? existing.secretHash : null,
      updatedAt: Date.now(),
    });
    await this.clients.save(client);
    return toClientView(client);
  }

  /**
   * Changes some of a client's settings: an RFC 7396 merge patch over its settings document, the
   * result checked as a whole as PUT's body is. `null` removes a member, which takes its default.
   */
  async patch(clientId: string, patch: unknown): Promise<ClientViewDto> {
    const merged = applyMergePatch(clientSettingsDocument(await this.get(clientId)), patch);
    return this.update(clientId, validateBody(UpdateClientDto, merged));
  }

  /** Sets a new secret (the given one or a random one), returned this once. The old one stops working at once. */
  async rotateSecret(clientId: string, dto: RotateSecretDto): Promise<ClientWithSecretDto> {
    const existing = await this.require(clientId);
    if (!usesSecret(existing.tokenEndpointAuthMethod)) {
      throw invalidRequest(`The client "${clientId}" authenticates with ${existing.tokenEndpointAuthMethod} and has no secret.`);
    }
    const secret = dto.client_secret ?? generateSecret();
    const client = this.clients.create({ ...existing, secretHash: await hashClientSecret(secret), updatedAt: Date.now() });
    await this.clients.save(client);
    return { ...toClientView(client), client_secret: secret };
  }

  /** Deletes a client and revokes every token it was issued, in one transaction. */
  async remove(clientId: string): Promise<void> {
    const deleted = await this.tx.run(async (em) => {
      if (!(await this.clients.delete(clientId, em))) return false;
      await this.tokens.revokeByClient(clientId, 'client_deleted', em);
      return true;
    });
    if (!deleted) throw notFound(`No client with the id "${clientId}".`);
  }

  /** 400 when a URL the server would call is outside the outbound URL policy. */
  private checkOutboundUris(dto: ClientSettingsDto): void {
    const problems = outboundUriProblems(dto, this.outbound);
    if (problems.length > 0) throw invalidRequest(problems.join('; '));
  }

  private async require(clientId: string): Promise<ClientEntity> {
    const client = await this.clients.findById(clientId);
    if (!client) throw notFound(`No client with the id "${clientId}".`);
    return client;
  }
}
