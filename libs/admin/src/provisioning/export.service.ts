import { Injectable } from '@nestjs/common';
import { FEATURE_FLAGS, FeatureFlagName } from '@app/feature-flag';
import { DEFAULT_ID_TOKEN_SIGNING_ALG } from '@app/auth';
import { ClientEntity, ClientRepository, FeatureFlagRepository, UserRepository } from '@app/store';
import { SUBJECT_ID } from '../admin/dto/user.dto';
import { MAX_IMPORT_CLIENTS, MAX_IMPORT_USERS } from './import-file.dto';

/** A client as the import file writes it, without its secret. */
export type ExportedClient = Record<string, unknown> & { client_id: string };

export interface ExportedUser {
  sub: string;
  uid: string;
  attributes?: Record<string, string>;
}

/** The import file's shape: what `import` reads back. */
export interface ExportDocument {
  clients: ExportedClient[];
  users: ExportedUser[];
  feature_flags: Record<string, boolean>;
}

export interface ExportResult {
  document: ExportDocument;
  /** What the document leaves out or what an import of it would refuse, one line each. */
  warnings: string[];
}

const PAGE = 500;

/** A client's settings in the import file's members; nulls and empty defaults are left out. */
export function toExportedClient(c: ClientEntity): ExportedClient {
  const out: ExportedClient = { client_id: c.clientId };
  if (c.clientName !== null) out.client_name = c.clientName;
  out.token_endpoint_auth_method = c.tokenEndpointAuthMethod;
  out.grant_types = [...c.grantTypes];
  out.scopes = [...c.scopes];
  if (c.redirectUris.length > 0) out.redirect_uris = [...c.redirectUris];
  if (c.postLogoutRedirectUris !== null) out.post_logout_redirect_uris = [...c.postLogoutRedirectUris];
  if (c.backchannelLogoutUri !== null) out.backchannel_logout_uri = c.backchannelLogoutUri;
  if (c.caepReceiverUri) out.caep_receiver_uri = c.caepReceiverUri;
  out.session_revocation_api = c.sessionRevocationApi;
  out.session_management_api = c.sessionManagementApi;
  if (c.jwks !== null) out.jwks = c.jwks;
  if (c.jwksUri !== null) out.jwks_uri = c.jwksUri;
  if (c.sessionValidation !== null) out.session_validation = { ...c.sessionValidation };
  out.access_token_format = c.accessTokenFormat;
  if (c.idTokenSignedResponseAlg !== DEFAULT_ID_TOKEN_SIGNING_ALG) out.id_token_signed_response_alg = c.idTokenSignedResponseAlg;
  if (c.resources.length > 0) out.resources = [...c.resources];
  return out;
}

/**
 * The store as an import file: every client (settings, never a secret or its hash), every user
 * (subject id, uid and attributes, never a password hash) and the value in effect of every
 * known feature flag. Importing it into the same store changes nothing; into an empty store it
 * recreates everything once the secret-based clients are given secrets again.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly clients: ClientRepository,
    private readonly users: UserRepository,
    private readonly flags: FeatureFlagRepository,
  ) {}

  async export(): Promise<ExportResult> {
    const warnings: string[] = [];
    const clients = (await this.clients.list()).map(toExportedClient);

    const users: ExportedUser[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.users.list(PAGE, offset);
      for (const { user, attributes } of page) {
        const { uid, ...rest } = attributes;
        if (uid === undefined) {
          warnings.push(`user ${user.id} has no uid attribute and is left out (an import file names users by uid)`);
          continue;
        }
        if (!SUBJECT_ID.test(user.id)) warnings.push(`user ${user.id}: this subject id is not one an import accepts`);
        users.push({ sub: user.id, uid, ...(Object.keys(rest).length > 0 ? { attributes: rest } : {}) });
      }
      if (page.length < PAGE) break;
    }

    const stored = new Map((await this.flags.list()).map((f) => [f.name, f.enabled]));
    const feature_flags: Record<string, boolean> = {};
    for (const name of Object.keys(FEATURE_FLAGS) as FeatureFlagName[]) feature_flags[name] = stored.get(name) ?? FEATURE_FLAGS[name].default;

    if (clients.length > MAX_IMPORT_CLIENTS) warnings.push(`${clients.length} clients: an import file holds at most ${MAX_IMPORT_CLIENTS}`);
    if (users.length > MAX_IMPORT_USERS) warnings.push(`${users.length} users: an import file holds at most ${MAX_IMPORT_USERS}`);
    return { document: { clients, users, feature_flags }, warnings };
  }
}
