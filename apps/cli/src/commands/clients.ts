import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ACCESS_TOKEN_FORMATS, AUTH_METHODS, ClientViewDto, CreateClientDto, GRANT_TYPES, RotateSecretDto } from '@app/admin/core';
import { DEFAULT_ID_TOKEN_SIGNING_ALG, SIGNING_ALGORITHMS } from '@app/auth';
import { CommandEnv, readSecret, validated } from '../context';
import { repeat } from '../option-values';
import { CliFailure, UsageFailure } from '../errors';
import { cell, fields, json, list, table, time } from '../output';

/** Values of a repeatable option; each may also hold several, separated by spaces or commas. */
export const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(/[\s,]+/).filter(Boolean)];

const RESOURCE_HELP = 'an RFC 8707 resource indicator the client may ask for (absolute URI, no fragment); repeat for several';

/** Settings `clients update --clear` may remove (they take their defaults), by their admin API names. */
const CLEARABLE = [
  'client_name', 'scopes', 'redirect_uris', 'post_logout_redirect_uris', 'backchannel_logout_uri', 'caep_receiver_uri', 'jwks', 'jwks_uri', 'session_validation', 'resources',
] as const;

/** `--clear` values: a setting that may be removed, repeatable. */
const clearable = (value: string, previous: string[] = []) => {
  if (!(CLEARABLE as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${CLEARABLE.join(', ')}.`);
  return [...previous, value];
};

/** The options create and update share, each a client setting. */
interface SettingOptions {
  scope?: string[];
  grantType?: string[];
  authMethod?: string;
  name?: string;
  redirectUri?: string[];
  postLogoutRedirectUri?: string[];
  backchannelLogoutUri?: string;
  caepReceiverUri?: string;
  jwksUri?: string;
  jwksFile?: string;
  resource?: string[];
  accessTokenFormat?: string;
  idTokenSignedResponseAlg?: string;
  json?: boolean;
}

interface CreateOptions extends SettingOptions {
  secret?: string;
  secretStdin?: boolean;
  sessionRevocationApi?: boolean;
  sessionManagementApi?: boolean;
}

interface UpdateOptions extends SettingOptions {
  clearResources?: boolean;
  clear?: string[];
}

const sessionApis = (c: ClientViewDto) =>
  list([c.session_revocation_api ? 'revocation' : '', c.session_management_api ? 'management' : ''].filter(Boolean));

const yesNo = (v: boolean) => (v ? 'yes' : 'no');

/** An inline JWKS from a file (`-`: standard input): a JSON object with `keys`, public keys only (the server checks them). */
async function readJwks(env: CommandEnv, file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await (env.io.stdin?.() ?? Promise.reject(new Error('no standard input'))) : await readFile(file, 'utf8');
  } catch (err) {
    throw new CliFailure(`cannot read the JWKS from ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliFailure(`${file} is not JSON (expected a JWKS: {"keys": [...]})`);
  }
}

/** The settings the options give, by their admin API names; those left out are left out. */
async function settingsFrom(env: CommandEnv, opts: SettingOptions): Promise<Record<string, unknown>> {
  return {
    ...(opts.authMethod ? { token_endpoint_auth_method: opts.authMethod } : {}),
    ...(opts.grantType ? { grant_types: opts.grantType } : {}),
    ...(opts.scope ? { scopes: opts.scope } : {}),
    ...(opts.name !== undefined ? { client_name: opts.name } : {}),
    ...(opts.redirectUri ? { redirect_uris: opts.redirectUri } : {}),
    ...(opts.postLogoutRedirectUri ? { post_logout_redirect_uris: opts.postLogoutRedirectUri } : {}),
    ...(opts.backchannelLogoutUri !== undefined ? { backchannel_logout_uri: opts.backchannelLogoutUri } : {}),
    ...(opts.caepReceiverUri !== undefined ? { caep_receiver_uri: opts.caepReceiverUri } : {}),
    ...(opts.jwksUri !== undefined ? { jwks_uri: opts.jwksUri } : {}),
    ...(opts.jwksFile !== undefined ? { jwks: await readJwks(env, opts.jwksFile) } : {}),
    ...(opts.resource ? { resources: opts.resource } : {}),
    ...(opts.accessTokenFormat ? { access_token_format: opts.accessTokenFormat } : {}),
    ...(opts.idTokenSignedResponseAlg ? { id_token_signed_response_alg: opts.idTokenSignedResponseAlg } : {}),
  };
}

/** The options of the settings create and update share. */
function settingOptions(command: Command, replaces: string): Command {
  return command
    .option('--scope <scope>', `a scope the client may request${replaces}; repeat or separate with spaces`, collect)
    .option('--grant-type <type>', `a grant type (${GRANT_TYPES.join(', ')})${replaces}; repeat or separate with commas`, collect)
    .option('--name <name>', 'client_name')
    .option('--redirect-uri <uri>', `a redirect URI${replaces}; repeat for several`, collect)
    .option('--post-logout-redirect-uri <uri>', `a post-logout redirect URI (OpenID Connect RP-Initiated Logout)${replaces}; repeat for several`, repeat)
    .option('--backchannel-logout-uri <uri>', 'where the server POSTs logout tokens (OpenID Connect Back-Channel Logout)')
    .option('--caep-receiver-uri <uri>', 'where the server pushes CAEP session-revoked events (RFC 8935)')
    .option('--jwks-uri <uri>', 'where the client publishes its public keys (private_key_jwt)')
    .option('--jwks-file <file>', 'the client\'s public keys inline, from a JWKS file (`-`: standard input) (private_key_jwt)')
    .option('--resource <uri>', `${RESOURCE_HELP}${replaces}`, repeat);
}

/** `clients create|update|list|show|rotate-secret|delete`. */
export function registerClientCommands(program: Command, env: CommandEnv): void {
  const { io, admin } = env;
  const clients = program.command('clients').description('Manage OAuth clients (create, update, list, show, rotate-secret, delete)');

  settingOptions(
    clients
      .command('create')
      .description('Register a client. Without --secret, a secret-based client gets a random secret, printed this once (only its hash is stored).')
      .argument('<id>', 'client_id')
      .option('--secret <secret>', 'use this secret instead of a generated one (it may stay in your shell history; see --secret-stdin)')
      .option('--secret-stdin', 'read the secret from the first line of standard input')
      .addOption(new Option('--auth-method <method>', 'token endpoint authentication method (private_key_jwt needs --jwks-uri or --jwks-file)').choices(AUTH_METHODS).default('client_secret_basic')),
    ' (default: client_credentials for grant types)',
  )
    .option('--session-revocation-api', 'may call the PingFederate Session Revocation API (revokedSris)')
    .option('--session-management-api', 'may call the PingFederate Session Management API (sessions, users)')
    .addOption(new Option('--access-token-format <format>', 'jwt (RFC 9068, verifiable with the JWKS) or reference (opaque; resource servers introspect)').choices(ACCESS_TOKEN_FORMATS).default('jwt'))
    .addOption(new Option('--id-token-signed-response-alg <alg>', 'how the client\'s ID tokens and logout tokens are signed').choices(SIGNING_ALGORITHMS).default(DEFAULT_ID_TOKEN_SIGNING_ALG))
    .option('--json', 'print the client (and a generated secret) as JSON')
    .action(async (id: string, opts: CreateOptions) => {
      if (opts.secret !== undefined && opts.secretStdin) throw new UsageFailure('give --secret or --secret-stdin, not both');
      if (opts.secretStdin && opts.jwksFile === '-') throw new UsageFailure('give --secret-stdin or --jwks-file -, not both');
      const given = opts.secretStdin ? await readSecret(io, 'secret') : opts.secret;
      const dto = validated(CreateClientDto, {
        client_id: id,
        ...(given !== undefined ? { client_secret: given } : {}),
        scopes: [],
        ...(await settingsFrom(env, opts)),
        session_revocation_api: opts.sessionRevocationApi ?? false,
        session_management_api: opts.sessionManagementApi ?? false,
      }, 'client');
      const created = await admin('clients create', (ops) => ops.createClient(dto));
      const { client_secret: secret, ...client } = created;
      const generated = given === undefined ? secret : undefined;
      if (opts.json) return io.stdout(json({ client, ...(generated ? { client_secret: generated } : {}) }));
      io.stdout(`Created client "${client.client_id}" (${client.token_endpoint_auth_method}; grant types ${list(client.grant_types)}; scopes ${list(client.scopes)}).\n`);
      if (generated) io.stdout(`Client secret, shown only this once (only its hash is stored): ${generated}\n`);
    });

  settingOptions(
    clients
      .command('update')
      .description('Change a client\'s settings: each option given replaces that setting, --clear removes one (it takes its default), the others stay as they are '
        + '(the admin API\'s PATCH, an RFC 7396 merge patch). The secret changes with rotate-secret only.')
      .argument('<id>', 'client_id')
      .addOption(new Option('--auth-method <method>', 'token endpoint authentication method').choices(AUTH_METHODS)),
    ' (replaces them)',
  )
    .option('--clear-resources', 'the client may ask for no resource: its tokens keep the default audience')
    .option('--clear <setting>', `remove a setting (it takes its default): ${CLEARABLE.join(', ')}; repeat for several`, clearable)
    .addOption(new Option('--access-token-format <format>', 'jwt or reference').choices(ACCESS_TOKEN_FORMATS))
    .addOption(new Option('--id-token-signed-response-alg <alg>', 'how the client\'s ID tokens and logout tokens are signed').choices(SIGNING_ALGORITHMS))
    .option('--json', 'print the client as JSON')
    .action(async (id: string, opts: UpdateOptions) => {
      if (opts.resource && opts.clearResources) throw new UsageFailure('give --resource or --clear-resources, not both');
      const patch = await settingsFrom(env, opts);
      if (opts.clearResources) patch.resources = [];
      for (const setting of opts.clear ?? []) {
        if (setting in patch) throw new UsageFailure(`--clear ${setting} and an option setting it exclude each other`);
        patch[setting] = null;
      }
      if (Object.keys(patch).length === 0) throw new UsageFailure('nothing to change: give at least one setting or --clear');
      const updated = await admin('clients update', (ops) => ops.patchClient(id, patch));
      if (opts.json) return io.stdout(json(updated));
      io.stdout(`Updated client "${updated.client_id}" (grant types ${list(updated.grant_types)}; scopes ${list(updated.scopes)}; resources ${list(updated.resources)}).\n`);
    });

  clients
    .command('list')
    .description('List the registered clients (never their secrets); with filters, only those matching every one')
    .addOption(new Option('--grant-type <type>', 'only clients that may use this grant type').choices(GRANT_TYPES))
    .option('--scope <scope>', 'only clients registered for this scope')
    .addOption(new Option('--auth-method <method>', 'only clients authenticating this way').choices(AUTH_METHODS))
    .option('--json', 'print the clients as JSON')
    .action(async (opts: { grantType?: string; scope?: string; authMethod?: string; json?: boolean }) => {
      const all = await admin('clients list', (ops) => ops.listClients({ grantType: opts.grantType, scope: opts.scope, authMethod: opts.authMethod }));
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
      const c = await admin('clients show', (ops) => ops.getClient(id));
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
        ['caep_receiver_uri', cell(c.caep_receiver_uri)],
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
      const { client_secret: secret, ...client } = await admin('clients rotate-secret', (ops) => ops.rotateSecret(id, dto));
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
      await admin('clients delete', (ops) => ops.deleteClient(id));
      if (opts.json) return io.stdout(json({ deleted: id }));
      io.stdout(`Deleted client "${id}" and revoked every token it was issued.\n`);
    });
}
