import { Command, Option } from 'commander';
import { ACCESS_TOKEN_FORMATS, AUTH_METHODS, ClientAdminService, ClientViewDto, CreateClientDto, GRANT_TYPES, RotateSecretDto, UpdateClientDto } from '@app/admin/core';
import { DEFAULT_ID_TOKEN_SIGNING_ALG, SIGNING_ALGORITHMS } from '@app/auth';
import { CommandEnv, readSecret, validated } from '../context';
import { UsageFailure } from '../errors';
import { cell, fields, json, list, table, time } from '../output';

/** Values of a repeatable option; each may also hold several, separated by spaces or commas. */
export const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(/[\s,]+/).filter(Boolean)];

/** Values of a repeatable option taken whole: a URI may hold commas. */
const repeat = (value: string, previous: string[] = []) => [...previous, value];

const RESOURCE_HELP = 'an RFC 8707 resource indicator the client may ask for (absolute URI, no fragment); repeat for several';

interface CreateOptions {
  secret?: string;
  secretStdin?: boolean;
  scope?: string[];
  grantType?: string[];
  authMethod: string;
  name?: string;
  redirectUri?: string[];
  resource?: string[];
  sessionRevocationApi?: boolean;
  sessionManagementApi?: boolean;
  accessTokenFormat: string;
  idTokenSignedResponseAlg: string;
  json?: boolean;
}

const sessionApis = (c: ClientViewDto) =>
  list([c.session_revocation_api ? 'revocation' : '', c.session_management_api ? 'management' : ''].filter(Boolean));

const yesNo = (v: boolean) => (v ? 'yes' : 'no');

interface UpdateOptions {
  scope?: string[];
  grantType?: string[];
  name?: string;
  redirectUri?: string[];
  resource?: string[];
  clearResources?: boolean;
  accessTokenFormat?: string;
  idTokenSignedResponseAlg?: string;
  json?: boolean;
}

/** `clients create|update|list|show|rotate-secret|delete`. */
export function registerClientCommands(program: Command, { io, services }: CommandEnv): void {
  const clients = program.command('clients').description('Manage OAuth clients (create, update, list, show, rotate-secret, delete)');

  clients
    .command('create')
    .description('Register a client. Without --secret, a secret-based client gets a random secret, printed this once (only its hash is stored).')
    .argument('<id>', 'client_id')
    .option('--secret <secret>', 'use this secret instead of a generated one (it may stay in your shell history; see --secret-stdin)')
    .option('--secret-stdin', 'read the secret from the first line of standard input')
    .option('--scope <scope>', 'a scope the client may request; repeat or separate with spaces', collect)
    .option('--grant-type <type>', `a grant type (${GRANT_TYPES.join(', ')}); repeat or separate with commas (default: client_credentials)`, collect)
    .addOption(new Option('--auth-method <method>', 'token endpoint authentication method').choices(AUTH_METHODS).default('client_secret_basic'))
    .option('--name <name>', 'client_name')
    .option('--redirect-uri <uri>', 'a redirect URI; repeat for several', collect)
    .option('--resource <uri>', RESOURCE_HELP, repeat)
    .option('--session-revocation-api', 'may call the PingFederate Session Revocation API (revokedSris)')
    .option('--session-management-api', 'may call the PingFederate Session Management API (sessions, users)')
    .addOption(new Option('--access-token-format <format>', 'jwt (RFC 9068, verifiable with the JWKS) or reference (opaque; resource servers introspect)').choices(ACCESS_TOKEN_FORMATS).default('jwt'))
    .addOption(new Option('--id-token-signed-response-alg <alg>', 'how the client\'s ID tokens and logout tokens are signed').choices(SIGNING_ALGORITHMS).default(DEFAULT_ID_TOKEN_SIGNING_ALG))
    .option('--json', 'print the client (and a generated secret) as JSON')
    .action(async (id: string, opts: CreateOptions) => {
      if (opts.secret !== undefined && opts.secretStdin) throw new UsageFailure('give --secret or --secret-stdin, not both');
      const given = opts.secretStdin ? await readSecret(io, 'secret') : opts.secret;
      const dto = validated(CreateClientDto, {
        client_id: id,
        ...(given !== undefined ? { client_secret: given } : {}),
        token_endpoint_auth_method: opts.authMethod,
        ...(opts.grantType ? { grant_types: opts.grantType } : {}),
        scopes: opts.scope ?? [],
        ...(opts.name !== undefined ? { client_name: opts.name } : {}),
        ...(opts.redirectUri ? { redirect_uris: opts.redirectUri } : {}),
        ...(opts.resource ? { resources: opts.resource } : {}),
        session_revocation_api: opts.sessionRevocationApi ?? false,
        session_management_api: opts.sessionManagementApi ?? false,
        access_token_format: opts.accessTokenFormat,
        id_token_signed_response_alg: opts.idTokenSignedResponseAlg,
      }, 'client');
      const created = await services((ctx) => ctx.get(ClientAdminService).create(dto));
      const { client_secret: secret, ...client } = created;
      const generated = given === undefined ? secret : undefined;
      if (opts.json) return io.stdout(json({ client, ...(generated ? { client_secret: generated } : {}) }));
      io.stdout(`Created client "${client.client_id}" (${client.token_endpoint_auth_method}; grant types ${list(client.grant_types)}; scopes ${list(client.scopes)}).\n`);
      if (generated) io.stdout(`Client secret, shown only this once (only its hash is stored): ${generated}\n`);
    });

  clients
    .command('update')
    .description('Change a client\'s settings: each option given replaces that setting, the others stay as they are. The secret changes with rotate-secret only.')
    .argument('<id>', 'client_id')
    .option('--scope <scope>', 'the scopes the client may request (replaces them); repeat or separate with spaces', collect)
    .option('--grant-type <type>', `the grant types (${GRANT_TYPES.join(', ')}; replaces them); repeat or separate with commas`, collect)
    .option('--name <name>', 'client_name')
    .option('--redirect-uri <uri>', 'the redirect URIs (replaces them); repeat for several', collect)
    .option('--resource <uri>', `${RESOURCE_HELP} (replaces the list)`, repeat)
    .option('--clear-resources', 'the client may ask for no resource: its tokens keep the default audience')
    .addOption(new Option('--access-token-format <format>', 'jwt or reference').choices(ACCESS_TOKEN_FORMATS))
    .addOption(new Option('--id-token-signed-response-alg <alg>', 'how the client\'s ID tokens and logout tokens are signed').choices(SIGNING_ALGORITHMS))
    .option('--json', 'print the client as JSON')
    .action(async (id: string, opts: UpdateOptions) => {
      if (opts.resource && opts.clearResources) throw new UsageFailure('give --resource or --clear-resources, not both');
      const changes = {
        ...(opts.scope ? { scopes: opts.scope } : {}),
        ...(opts.grantType ? { grant_types: opts.grantType } : {}),
        ...(opts.name !== undefined ? { client_name: opts.name } : {}),
        ...(opts.redirectUri ? { redirect_uris: opts.redirectUri } : {}),
        ...(opts.resource || opts.clearResources ? { resources: opts.resource ?? [] } : {}),
        ...(opts.accessTokenFormat ? { access_token_format: opts.accessTokenFormat } : {}),
        ...(opts.idTokenSignedResponseAlg ? { id_token_signed_response_alg: opts.idTokenSignedResponseAlg } : {}),
      };
      const updated = await services(async (ctx) => {
        const admin = ctx.get(ClientAdminService);
        // The admin API's update replaces every setting: start from the stored ones.
        const { client_id: _id, has_secret: _secret, created_at: _created, updated_at: _updated, ...current } = await admin.get(id);
        return admin.update(id, validated(UpdateClientDto, { ...current, ...changes }, 'client'));
      });
      if (opts.json) return io.stdout(json(updated));
      io.stdout(`Updated client "${updated.client_id}" (grant types ${list(updated.grant_types)}; scopes ${list(updated.scopes)}; resources ${list(updated.resources)}).\n`);
    });

  clients
    .command('list')
    .description('List the registered clients (never their secrets)')
    .option('--json', 'print the clients as JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await services((ctx) => ctx.get(ClientAdminService).list());
      if (opts.json) return io.stdout(json(all));
      if (all.length === 0) return io.stdout('No clients.\n');
      io.stdout(table(
        ['CLIENT_ID', 'AUTH_METHOD', 'GRANT_TYPES', 'SCOPES', 'SESSION_APIS'],
        all.map((c) => [cell(c.client_id), c.token_endpoint_auth_method, list(c.grant_types), list(c.scopes), sessionApis(c)]),
      ));
    });

  clients
    .command('show')
    .description('Show one client\'s settings (never its secret)')
    .argument('<id>', 'client_id')
    .option('--json', 'print the client as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const c = await services((ctx) => ctx.get(ClientAdminService).get(id));
      if (opts.json) return io.stdout(json(c));
      const sv = c.session_validation;
      io.stdout(fields([
        ['client_id', cell(c.client_id)],
        ['client_name', cell(c.client_name)],
        ['token_endpoint_auth_method', c.token_endpoint_auth_method],
        ['secret', c.has_secret ? 'set (only its hash is stored)' : 'none'],
        ['grant_types', list(c.grant_types)],
        ['scopes', list(c.scopes)],
        ['redirect_uris', list(c.redirect_uris)],
        ['post_logout_redirect_uris', c.post_logout_redirect_uris ? list(c.post_logout_redirect_uris) : '-'],
        ['backchannel_logout_uri', cell(c.backchannel_logout_uri)],
        ['session_revocation_api', yesNo(c.session_revocation_api)],
        ['session_management_api', yesNo(c.session_management_api)],
        ['jwks', c.jwks ? `${c.jwks.keys.length} key(s)` : '-'],
        ['jwks_uri', cell(c.jwks_uri)],
        ['session_validation', sv ? list(Object.entries(sv).map(([k, v]) => `${k}=${String(v)}`)) : '-'],
        ['access_token_format', c.access_token_format],
        ['id_token_signed_response_alg', c.id_token_signed_response_alg],
        ['resources', list(c.resources)],
        ['created_at', time(c.created_at)],
        ['updated_at', time(c.updated_at)],
      ]));
    });

  clients
    .command('rotate-secret')
    .description('Give a client a new secret (a random one unless --secret or --secret-stdin), printed this once. The old secret stops working at once.')
    .argument('<id>', 'client_id')
    .option('--secret <secret>', 'use this secret instead of a generated one (it may stay in your shell history)')
    .option('--secret-stdin', 'read the secret from the first line of standard input')
    .option('--json', 'print the client (and a generated secret) as JSON')
    .action(async (id: string, opts: { secret?: string; secretStdin?: boolean; json?: boolean }) => {
      if (opts.secret !== undefined && opts.secretStdin) throw new UsageFailure('give --secret or --secret-stdin, not both');
      const given = opts.secretStdin ? await readSecret(io, 'secret') : opts.secret;
      const dto = validated(RotateSecretDto, given !== undefined ? { client_secret: given } : {}, 'secret');
      const { client_secret: secret, ...client } = await services((ctx) => ctx.get(ClientAdminService).rotateSecret(id, dto));
      const generated = given === undefined ? secret : undefined;
      if (opts.json) return io.stdout(json({ client, ...(generated ? { client_secret: generated } : {}) }));
      io.stdout(`Rotated the secret of client "${client.client_id}"; the old one no longer works.\n`);
      if (generated) io.stdout(`Client secret, shown only this once (only its hash is stored): ${generated}\n`);
    });

  clients
    .command('delete')
    .description('Delete a client and revoke every token it was issued (one transaction)')
    .argument('<id>', 'client_id')
    .option('--json', 'print {"deleted": "<id>"} as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await services((ctx) => ctx.get(ClientAdminService).remove(id));
      if (opts.json) return io.stdout(json({ deleted: id }));
      io.stdout(`Deleted client "${id}" and revoked every token it was issued.\n`);
    });
}
