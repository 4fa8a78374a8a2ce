import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ExportService, ProvisioningService } from '@app/admin/core';
import { CommandEnv } from '../context';
import { CliFailure } from '../errors';
import { json, table } from '../output';

/** `import FILE` and `export`: the declarative file both ways. */
export function registerTransferCommands(program: Command, { io, services, audit }: CommandEnv): void {
  program
    .command('import')
    .description('Upsert the clients, users and feature flags of an import file (idempotent; nothing is written if any of it is invalid). '
      + 'A secret-based client given without client_secret keeps the secret it has; a new one needs one.')
    .argument('<file>', 'JSON import file (the shape `export` writes)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      // No admin API route imports a file: the line names the CLI's own path.
      const summary = await services((ctx) => audit(ctx, 'import').record('POST', '/cli/import', 200, () => ctx.get(ProvisioningService).importFile(file)));
      if (opts.json) return io.stdout(json(summary));
      const counts = (c: { created: number; updated: number; unchanged: number }) => `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`;
      io.stdout(`Imported ${file}\n` + table(['', 'RESULT'], [
        ['clients', counts(summary.clients)],
        ['users', counts(summary.users)],
        ['feature flags', `${summary.feature_flags} set`],
      ]));
    });

  program
    .command('export')
    .description('Write the store as an import file (JSON): every client\'s settings, every user\'s sub, uid and attributes, and every feature flag\'s value. '
      + 'No secret, password or hash is written: importing it back changes nothing, and into an empty store it needs the secret-based clients\' secrets added.')
    .option('-o, --output <file>', 'write to this file (created with mode 600) instead of standard output')
    .action(async (opts: { output?: string }) => {
      const { document, warnings } = await services((ctx) => ctx.get(ExportService).export());
      for (const w of warnings) io.stderr(`warning: ${w}\n`);
      if (!opts.output) return io.stdout(json(document));
      try {
        await writeFile(opts.output, json(document), { mode: 0o600 });
      } catch (err) {
        throw new CliFailure(`cannot write ${opts.output}: ${(err as Error).message}`);
      }
      io.stdout(`Exported ${document.clients.length} clients, ${document.users.length} users and ${Object.keys(document.feature_flags).length} feature flags to ${opts.output}.\n`);
    });
}
