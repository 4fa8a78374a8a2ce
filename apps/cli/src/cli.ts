import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, CommanderError, Option } from 'commander';
import { ApiError, AppConfig, ConfigValidationError } from '@app/common';
import { ClientAdminService } from '@app/admin/admin/client-admin.service';
import { AUTH_METHODS, CreateClientDto, GRANT_TYPES } from '@app/admin/admin/dto/client.dto';
import { ProvisioningError, ProvisioningService } from '@app/admin/provisioning/provisioning.service';
import { DtoValidationError, validateDto } from '@app/admin/validation/validate-dto';
import { CliModule } from './cli.module';
import { json, list, table } from './output';

/** Where the CLI writes; tests capture it, main.ts passes the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CliOptions {
  /** Overrides of the environment's configuration (tests point the CLI at their own store). */
  config?: Partial<AppConfig>;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes: 0 done, 1 refused or failed (bad input, conflict, store error), 2 bad command line. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An expected failure: reported as one `error: …` line, never with a stack. */
class CliFailure extends Error {}

/** Values of a repeatable option; each may also hold several, separated by spaces or commas. */
const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(/[\s,]+/).filter(Boolean)];

/**
 * The admin command line: `import FILE`, `clients create ID …`, `clients list`. Runs
 * in-process (tests call it directly) and resolves to the exit code.
 */
export async function runCli(argv: string[], io: CliIo = processIo, options: CliOptions = {}): Promise<number> {
  const withServices = <T>(work: (ctx: INestApplicationContext) => Promise<T>) => withContext(options.config ?? {}, work);

  const program = new Command('revocation-admin')
    .description('Administers the revocation server\'s store (the one DATABASE_URL names; default SQLite ./data/revocation.sqlite).')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showSuggestionAfterError(true)
    .helpCommand(false);

  program
    .command('import')
    .description('Upsert the clients, users and feature flags of an import file (idempotent; nothing is written if any of it is invalid)')
    .argument('<file>', 'JSON import file')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const summary = await withServices((ctx) => ctx.get(ProvisioningService).importFile(file));
      if (opts.json) return io.stdout(json(summary));
      const counts = (c: { created: number; updated: number; unchanged: number }) => `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`;
      io.stdout(`Imported ${file}\n` + table(['', 'RESULT'], [
        ['clients', counts(summary.clients)],
        ['users', counts(summary.users)],
        ['feature flags', `${summary.feature_flags} set`],
      ]));
    });

  const clients = program.command('clients').description('Manage OAuth clients');

  clients
    .command('create')
    .description('Register a client. Without --secret, a secret-based client gets a random secret, printed this once (only its hash is stored).')
    .argument('<id>', 'client_id')
    .option('--secret <secret>', 'use this secret instead of a generated one (it may stay in your shell history)')
    .option('--scope <scope>', 'a scope the client may request; repeat or separate with spaces', collect)
    .option('--grant-type <type>', `a grant type (${GRANT_TYPES.join(', ')}); repeat or separate with commas (default: client_credentials)`, collect)
    .addOption(new Option('--auth-method <method>', 'token endpoint authentication method').choices(AUTH_METHODS).default('client_secret_basic'))
    .option('--name <name>', 'client_name')
    .option('--redirect-uri <uri>', 'a redirect URI; repeat for several', collect)
    .option('--session-revocation-api', 'may call the PingFederate Session Revocation API')
    .option('--session-management-api', 'may call the PingFederate Session Management API')
    .option('--json', 'print the client (and a generated secret) as JSON')
    .action(async (id: string, opts: CreateOptions) => {
      const dto = parseClient(id, opts);
      const created = await withServices((ctx) => ctx.get(ClientAdminService).create(dto));
      const { client_secret: secret, ...client } = created;
      const generated = opts.secret === undefined ? secret : undefined;
      if (opts.json) return io.stdout(json({ client, ...(generated ? { client_secret: generated } : {}) }));
      io.stdout(`Created client "${client.client_id}" (${client.token_endpoint_auth_method}; grant types ${list(client.grant_types)}; scopes ${list(client.scopes)}).\n`);
      if (generated) io.stdout(`Client secret, shown only this once (only its hash is stored): ${generated}\n`);
    });

  clients
    .command('list')
    .description('List the registered clients (never their secrets)')
    .option('--json', 'print the clients as JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await withServices((ctx) => ctx.get(ClientAdminService).list());
      if (opts.json) return io.stdout(json(all));
      if (all.length === 0) return io.stdout('No clients.\n');
      io.stdout(table(
        ['CLIENT_ID', 'AUTH_METHOD', 'GRANT_TYPES', 'SCOPES', 'SESSION_APIS'],
        all.map((c) => [
          c.client_id, c.token_endpoint_auth_method, list(c.grant_types), list(c.scopes),
          list([c.session_revocation_api ? 'revocation' : '', c.session_management_api ? 'management' : ''].filter(Boolean)),
        ]),
      ));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    // Commander has already written its own one-line message (or the help).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    io.stderr(`error: ${describeFailure(err)}\n`);
    return EXIT_FAILED;
  }
}

interface CreateOptions {
  secret?: string;
  scope?: string[];
  grantType?: string[];
  authMethod: string;
  name?: string;
  redirectUri?: string[];
  sessionRevocationApi?: boolean;
  sessionManagementApi?: boolean;
  json?: boolean;
}

function parseClient(id: string, opts: CreateOptions): CreateClientDto {
  const plain = {
    client_id: id,
    ...(opts.secret !== undefined ? { client_secret: opts.secret } : {}),
    token_endpoint_auth_method: opts.authMethod,
    ...(opts.grantType ? { grant_types: opts.grantType } : {}),
    scopes: opts.scope ?? [],
    ...(opts.name !== undefined ? { client_name: opts.name } : {}),
    ...(opts.redirectUri ? { redirect_uris: opts.redirectUri } : {}),
    session_revocation_api: opts.sessionRevocationApi ?? false,
    session_management_api: opts.sessionManagementApi ?? false,
  };
  try {
    return validateDto(CreateClientDto, plain, 'The client');
  } catch (err) {
    if (err instanceof DtoValidationError) throw new CliFailure(`invalid client: ${err.problems.join('; ')}`);
    throw err;
  }
}

/** Builds the Nest context (config, store, admin services) for one command, and always closes it. */
async function withContext<T>(config: Partial<AppConfig>, work: (ctx: INestApplicationContext) => Promise<T>): Promise<T> {
  let ctx: INestApplicationContext;
  try {
    ctx = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: false, abortOnError: false });
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      const [head, ...lines] = err.message.split('\n');
      throw new CliFailure(`${head} ${lines.map((l) => l.trim()).join('; ')}`);
    }
    throw new CliFailure(`cannot open the store: ${(err as Error).message}`);
  }
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}

function describeFailure(err: unknown): string {
  if (err instanceof CliFailure || err instanceof ProvisioningError) return err.message;
  if (err instanceof ApiError) return err.description;
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err);
}
