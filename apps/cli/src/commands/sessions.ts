import { Command } from 'commander';
import { SessionAdminService, SessionViewDto } from '@app/admin/core';
import { CommandEnv } from '../context';
import { cell, json, list, table, time } from '../output';
import { exactlyOne, resolveUser } from './users';

const state = (s: SessionViewDto) => (s.revoked_at ? 'revoked' : s.active ? 'active' : 'expired');

/** `sessions list --user SUB | --uid UID`. */
export function registerSessionCommands(program: Command, { io, services }: CommandEnv): void {
  const sessions = program.command('sessions').description('Look at user sessions (list); `users revoke` ends them all');

  sessions
    .command('list')
    .description('List a user\'s sessions, oldest first: active, expired and revoked (with --active, only those still usable)')
    .option('--user <sub>', 'the user\'s subject id')
    .option('--uid <uid>', 'the user\'s uid instead of the subject id')
    .option('--active', 'only sessions still usable')
    .option('--json', 'print the sessions as JSON')
    .action(async (opts: { user?: string; uid?: string; active?: boolean; json?: boolean }) => {
      exactlyOne('user', { '--user': opts.user, '--uid': opts.uid });
      const all = await services(async (ctx) => {
        const user = await resolveUser(ctx, opts.user, opts.uid);
        return ctx.get(SessionAdminService).listForUser(user.sub);
      });
      const shown = opts.active ? all.filter((s) => s.active) : all;
      if (opts.json) return io.stdout(json(shown));
      if (shown.length === 0) return io.stdout(opts.active ? 'No active sessions.\n' : 'No sessions.\n');
      io.stdout(table(
        ['SESSION_ID', 'SRI', 'STATE', 'CLIENTS', 'AUTHN', 'CREATED', 'LAST_ACTIVITY', 'ENDS_OR_ENDED'],
        shown.map((s) => [
          cell(s.id), cell(s.sri), state(s), list(s.client_ids), cell(s.authn_source), time(s.created_at), time(s.last_activity_at),
          s.revoked_at ? `${time(s.revoked_at)} (${cell(s.revoked_reason)})` : time(s.expires_at),
        ]),
      ));
    });
}
