import { Command } from 'commander';
import { CommandEnv } from '../context';
import { json, table } from '../output';

const onOff = (v: boolean) => (v ? 'on' : 'off');

/** `flags list|enable|disable`. */
export function registerFlagCommands(program: Command, { io, admin }: CommandEnv): void {
  const flags = program.command('flags').description('Feature flags: list them, turn one on or off (running servers apply a change within a second)');

  flags
    .command('list')
    .description('List the feature flags with their values in effect and their defaults')
    .option('--json', 'print the flags as JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await admin('flags list', (ops) => ops.listFlags());
      if (opts.json) return io.stdout(json(all));
      io.stdout(table(['NAME', 'ENABLED', 'DEFAULT', 'GUARDS'], all.map((f) => [f.name, onOff(f.enabled), onOff(f.default), f.description])));
    });

  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    flags
      .command(verb)
      .description(`Turn a feature flag ${onOff(enabled)}${enabled ? '' : ': its endpoints answer 403 naming the flag and discovery leaves them out'}`)
      .argument('<name>', 'flag name, e.g. GLOBAL_TOKEN_REVOCATION (case does not matter)')
      .option('--json', 'print the flag as JSON')
      .action(async (name: string, opts: { json?: boolean }) => {
        const flag = await admin(`flags ${verb}`, (ops) => ops.setFlag(name.toUpperCase(), enabled));
        if (opts.json) return io.stdout(json(flag));
        io.stdout(`${flag.name} is ${enabled ? 'enabled' : 'disabled'} (default: ${flag.default ? 'enabled' : 'disabled'}); running servers apply it within a second.\n`);
      });
  }
}
