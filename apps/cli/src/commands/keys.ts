import { Command } from 'commander';
import { SigningKeyViewDto, toSigningKeyView } from '@app/admin/core';
import { SigningKeyRotation } from '@app/auth';
import { CommandEnv } from '../context';
import { json, table, time } from '../output';

const keyTable = (keys: SigningKeyViewDto[]) =>
  table(['KID', 'ALG', 'STATE', 'CREATED', 'RETIRED', 'PUBLISHED_UNTIL'], keys.map((k) => [k.kid, k.alg, k.state, time(k.created_at), time(k.retired_at), time(k.published_until)]));

/** `keys list|rotate`: the token-signing keys in the store. */
export function registerKeyCommands(program: Command, { io, services, audit }: CommandEnv): void {
  const keys = program.command('keys').description('Token-signing keys: list them, rotate them (running servers sign with the new keys within SIGNING_KEY_RELOAD_INTERVAL)');

  keys
    .command('list')
    .description('List the keys /jwks publishes: the active ones, and retired ones until the tokens they signed have expired')
    .option('--json', 'print the keys as JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = (await services((ctx) => ctx.get(SigningKeyRotation).list())).map(toSigningKeyView);
      io.stdout(opts.json ? json(all) : keyTable(all));
    });

  keys
    .command('rotate')
    .description('Make a new active key per algorithm (ES256, RS256); the keys they replace stay in /jwks until every token they signed has expired')
    .option('--json', 'print the keys after the rotation as JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = (await services((ctx) => audit(ctx, 'keys rotate').record('POST', '/admin/keys/rotate', 200, () => ctx.get(SigningKeyRotation).rotate()))).map(toSigningKeyView);
      if (opts.json) return io.stdout(json(all));
      io.stdout(`Rotated the signing keys; running servers sign with the new ones within SIGNING_KEY_RELOAD_INTERVAL.\n${keyTable(all)}`);
    });
}
