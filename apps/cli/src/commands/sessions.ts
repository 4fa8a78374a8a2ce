import { Command } from 'commander';
import { SessionViewDto } from '@app/admin/core';
import { CommandEnv } from '../context';
import { UsageFailure } from '../errors';
import { cell, json, list, table, time } from '../output';
import { exactlyOne, resolveSub } from './users';

const state = (s: SessionViewDto) => (s.revoked_at ? 'revoked' : s.active ? 'active' : 'expired');

/** `sessions list|revoke`. */
export function registerSessionCommands(program: Command, { io, admin }: CommandEnv): void {
  const sessions = program.command('sessions').description('User sessions: list a user\'s, revoke one or all of a user\'s');

  sessions
    .command('list')
    .description('List a user\'s sessions, oldest first: active, expired and revoked (with --active, only those still usable)')
    .option('--user <sub>', 'the user\'s subject id')
    .option('--uid <uid>', 'the user\'s uid instead of the subject id')
    .option('--client <client_id>', 'only sessions this client used')
    .option('--active', 'only sessions still usable')
    .option('--json', 'print the sessions as JSON')
    .action(async (opts: { user?: string; uid?: string; client?: string; active?: boolean; json?: boolean }) => {
      exactlyOne('user', { '--user': opts.user, '--uid': opts.uid });
      const shown = await admin('sessions list', async (ops) =>
        ops.listSessions(await resolveSub(ops, opts.user, opts.uid), { clientId: opts.client, active: opts.active ? true : undefined }));
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

  sessions
    .command('revoke')
    .description('Revoke one session (by its id), or every live session of a user (--user or --uid): back-channel logout and CAEP notifications are queued, '
      + 'the SRIs go on the session revocation list and the tokens bound to the sessions stop working. Repeating it is harmless.')
    .argument('[id]', 'the session id (from sessions list)')
    .option('--user <sub>', 'every session of the user with this subject id')
    .option('--uid <uid>', 'every session of the user with this uid')
    .option('--json', 'print the session (or the count) as JSON')
    .action(async (id: string | undefined, opts: { user?: string; uid?: string; json?: boolean }) => {
      const given = [id, opts.user, opts.uid].filter((v) => v !== undefined).length;
      if (given !== 1) throw new UsageFailure(`name one session by <id>, or a user by --user or --uid${given > 1 ? ', not several' : ''}`);
      if (id !== undefined) {
        const session = await admin('sessions revoke', (ops) => ops.revokeSession(id));
        if (opts.json) return io.stdout(json(session));
        return io.stdout(`Revoked session ${session.id} of user ${session.sub} (${cell(session.revoked_reason)} at ${time(session.revoked_at)}).\n`);
      }
      const result = await admin('sessions revoke', async (ops) => ops.revokeSessionsOfUser(await resolveSub(ops, opts.user, opts.uid)));
      if (opts.json) return io.stdout(json(result));
      io.stdout(`Revoked ${result.sessions_revoked} live session${result.sessions_revoked === 1 ? '' : 's'} of user ${result.sub}.\n`);
    });
}
