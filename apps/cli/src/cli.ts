import { Command, CommanderError } from 'commander';
import { buildInfo, ConfigOverrides } from '@app/common';
import { localOperations } from './admin-operations';
import { CliAuditLog } from './audit';
import { registerClientCommands } from './commands/clients';
import { registerFlagCommands } from './commands/flags';
import { registerKeyCommands } from './commands/keys';
import { registerNotificationCommands } from './commands/notifications';
import { registerSessionCommands } from './commands/sessions';
import { registerStreamCommands } from './commands/streams';
import { registerTransferCommands } from './commands/transfer';
import { cliActor, registerUserCommands } from './commands/users';
import { CliIo, CommandEnv, describeFailure, readSecret, withContext } from './context';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageFailure } from './errors';
import { parseServerUrl, REMOTE_ENV, RemoteAdmin, RemoteSettings } from './remote';

export type { CliIo } from './context';
export { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './errors';

export interface CliOptions {
  /** Overrides of the environment's configuration (tests point the CLI at their own store). */
  config?: ConfigOverrides;
  /** Where REVOCATION_SERVER_URL and the other remote-mode variables are read (default: process.env). */
  env?: Record<string, string | undefined>;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: async () => {
    if (process.stdin.isTTY) process.stderr.write('(reading from standard input; end with Ctrl-D)\n');
    let text = '';
    process.stdin.setEncoding('utf8');
    for await (const chunk of process.stdin) text += chunk as string;
    return text;
  },
};

interface GlobalOptions {
  server?: string;
  clientId?: string;
  clientSecret?: string;
  clientSecretStdin?: boolean;
  insecureHttp?: boolean;
}

/** The command line, without running anything: `--help` of every command comes from here. */
export function buildProgram(env: CommandEnv): Command {
  const program = new Command('revocation-admin')
    .description(
      'Administers the revocation server\'s store: the one DATABASE_URL names (default SQLite ./data/revocation.sqlite), '
      + 'shared with running servers, which see a change at once (feature flags within a second). '
      + 'With --server, works through a server\'s admin API instead, with an admin client\'s credentials.',
    )
    .version(buildInfo().version, '-V, --version', 'print the version')
    .option('--server <url>', `work through the admin API of this server, https (or http to a loopback host); or ${REMOTE_ENV.server}`)
    .option('--client-id <id>', `remote mode: the admin client (a client with the admin scope); or ${REMOTE_ENV.clientId}`)
    .option('--client-secret <secret>', `remote mode: its secret (it may stay in your shell history: prefer --client-secret-stdin or ${REMOTE_ENV.clientSecret})`)
    .option('--client-secret-stdin', 'remote mode: read the client secret from the first line of standard input')
    .option('--insecure-http', 'remote mode: allow plain http to a host that is not loopback')
    .exitOverride()
    .configureOutput({ writeOut: (s) => env.io.stdout(s), writeErr: (s) => env.io.stderr(s) })
    .showSuggestionAfterError(true)
    .helpCommand(false)
    .addHelpText('after', '\nEach command has --help; most print a table for people and JSON with --json.\n'
      + 'Remote mode (--server) runs clients, users (but revoke), sessions and flags through the admin API; the other commands need the store.\n'
      + 'Exit codes: 0 done, 1 refused or failed (one "error:" line), 2 bad command line.');

  registerTransferCommands(program, env);
  registerClientCommands(program, env);
  registerUserCommands(program, env);
  registerFlagCommands(program, env);
  registerSessionCommands(program, env);
  registerNotificationCommands(program, env);
  registerStreamCommands(program, env);
  registerKeyCommands(program, env);
  return program;
}

/** The admin client's credentials for remote mode, or a usage failure naming what is missing. */
async function remoteSettings(opts: GlobalOptions, io: CliIo): Promise<RemoteSettings> {
  const server = parseServerUrl(opts.server!, opts.insecureHttp ?? false);
  if (!opts.clientId) throw new UsageFailure(`--server needs --client-id (or ${REMOTE_ENV.clientId})`);
  if (opts.clientSecret !== undefined && opts.clientSecretStdin) throw new UsageFailure('give --client-secret or --client-secret-stdin, not both');
  const clientSecret = opts.clientSecretStdin ? await readSecret(io, 'client secret') : opts.clientSecret;
  if (!clientSecret) throw new UsageFailure(`--server needs --client-secret, --client-secret-stdin or ${REMOTE_ENV.clientSecret}`);
  return { server, clientId: opts.clientId, clientSecret };
}

/**
 * The admin command line. Runs in-process (tests call it directly) and resolves to the exit
 * code; whatever goes wrong is reported as one `error: …` line on stderr.
 */
export async function runCli(argv: string[], io: CliIo = processIo, options: CliOptions = {}): Promise<number> {
  const config = options.config ?? {};
  const variables = options.env ?? process.env;
  let program: Command | undefined;
  /** The remote-mode options, the environment filling those left out; undefined in local mode. */
  const remote = (): GlobalOptions | undefined => {
    const given = program?.opts<GlobalOptions>() ?? {};
    const opts = {
      ...given,
      server: given.server ?? (variables[REMOTE_ENV.server] || undefined),
      clientId: given.clientId ?? (variables[REMOTE_ENV.clientId] || undefined),
      clientSecret: given.clientSecret ?? (given.clientSecretStdin ? undefined : variables[REMOTE_ENV.clientSecret] || undefined),
    };
    return opts.server ? opts : undefined;
  };
  const env: CommandEnv = {
    io,
    services: (work) => {
      if (remote()) throw new UsageFailure('this command works on the store only; run it without --server');
      return withContext(config, work);
    },
    admin: async (command, work) => {
      const opts = remote();
      if (opts) return work(new RemoteAdmin(await remoteSettings(opts, io)));
      const actor = cliActor();
      return withContext(config, (ctx) => work(localOperations(ctx, actor, CliAuditLog.of(ctx, actor, io, command))));
    },
    audit: (ctx, command) => CliAuditLog.of(ctx, cliActor(), io, command),
  };
  program = buildProgram(env);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    // Commander has already written its own one-line message (or the help).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    io.stderr(`error: ${describeFailure(err)}\n`);
    return err instanceof UsageFailure ? EXIT_USAGE : EXIT_FAILED;
  }
}
