import { Command, CommanderError } from 'commander';
import { ConfigOverrides } from '@app/common';
import { registerClientCommands } from './commands/clients';
import { registerFlagCommands } from './commands/flags';
import { registerKeyCommands } from './commands/keys';
import { registerNotificationCommands } from './commands/notifications';
import { registerSessionCommands } from './commands/sessions';
import { registerTransferCommands } from './commands/transfer';
import { registerUserCommands } from './commands/users';
import { CliIo, CommandEnv, describeFailure, withContext } from './context';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageFailure } from './errors';

export type { CliIo } from './context';
export { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './errors';

export interface CliOptions {
  /** Overrides of the environment's configuration (tests point the CLI at their own store). */
  config?: ConfigOverrides;
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

/** The command line, without running anything: `--help` of every command comes from here. */
export function buildProgram(env: CommandEnv): Command {
  const program = new Command('revocation-admin')
    .description(
      'Administers the revocation server\'s store: the one DATABASE_URL names (default SQLite ./data/revocation.sqlite), '
      + 'shared with running servers, which see a change at once (feature flags within a second).',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => env.io.stdout(s), writeErr: (s) => env.io.stderr(s) })
    .showSuggestionAfterError(true)
    .helpCommand(false)
    .addHelpText('after', '\nEach command has --help; most print a table for people and JSON with --json.\nExit codes: 0 done, 1 refused or failed (one "error:" line), 2 bad command line.');

  registerTransferCommands(program, env);
  registerClientCommands(program, env);
  registerUserCommands(program, env);
  registerFlagCommands(program, env);
  registerSessionCommands(program, env);
  registerNotificationCommands(program, env);
  registerKeyCommands(program, env);
  return program;
}

/**
 * The admin command line. Runs in-process (tests call it directly) and resolves to the exit
 * code; whatever goes wrong is reported as one `error: …` line on stderr.
 */
export async function runCli(argv: string[], io: CliIo = processIo, options: CliOptions = {}): Promise<number> {
  const env: CommandEnv = { io, services: (work) => withContext(options.config ?? {}, work) };
  const program = buildProgram(env);
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
