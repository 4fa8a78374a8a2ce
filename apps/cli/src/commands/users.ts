import { userInfo } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { MAX_PAGE, UserAdminService, UserInputDto, UserPatchDto, UserViewDto } from '@app/admin/core';
import { GlobalRevocationService } from '@app/revocation/core';
import { SessionWatermarkWorker } from '@app/sessions';
import { UserRepository } from '@app/store';
import { AdminOperations, onlyUser } from '../admin-operations';
import { CommandEnv, readSecret, validated } from '../context';
import { integer, repeat } from '../option-values';
import { UsageFailure } from '../errors';
import { cell, fields, json, table, time } from '../output';

/** `NAME=VALUE`, repeatable, into an object. */
const attribute = (value: string, previous: Record<string, string> = {}) => {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected NAME=VALUE.');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
};

/** Who a CLI change is recorded as (on revoked sessions, the SRI list, the watermark, the audit line). */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username || user;
  } catch {
    // No passwd entry (some containers): the actor stays generic.
  }
  return `revocation-admin:${user}`.slice(0, 128);
}

/** The subject id a command names: a subject id argument or --uid, exactly one of them. */
export async function resolveSub(ops: AdminOperations, sub: string | undefined, uid: string | undefined): Promise<string> {
  return sub !== undefined ? (await ops.getUser(sub)).sub : ops.subOfUid(uid!);
}

export function exactlyOne(what: string, given: Record<string, string | undefined>): void {
  const names = Object.keys(given).filter((k) => given[k] !== undefined);
  if (names.length !== 1) throw new UsageFailure(`name the ${what} by ${Object.keys(given).join(' or ')}${names.length > 1 ? ', not both' : ''}`);
}

const byUid = (uid: string | undefined) => (uid !== undefined ? ` (uid "${uid}")` : '');

/** A user named by its subject id argument or --uid. */
const userCommand = (parent: Command, name: string, description: string) =>
  parent.command(name).description(description).argument('[sub]', 'the user\'s subject id').option('--uid <uid>', 'name the user by uid instead of subject id');

/** `users create|list|show|update|set-password|delete|revoke|suspend|resume`. */
export function registerUserCommands(program: Command, { io, admin, services, audit }: CommandEnv): void {
  const users = program.command('users')
    .description('Manage users (create, list, show, update, set-password, delete), revoke everything a user holds (revoke), or hold it (suspend, resume)');

  users
    .command('create')
    .description('Create a user. The uid is stored as the attribute uid; a password is stored hashed; without --sub the subject id is a random UUID.')
    .argument('<uid>', 'login name')
    .option('--password <password>', 'the user\'s password (it may stay in your shell history; see --password-stdin)')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--attribute <name=value>', 'an attribute (e.g. mail=breakfast@example.com); repeat for several', attribute)
    .option('--sub <sub>', 'the subject id to use instead of a random UUID')
    .option('--json', 'print the user as JSON')
    .action(async (uid: string, opts: { password?: string; passwordStdin?: boolean; attribute?: Record<string, string>; sub?: string; json?: boolean }) => {
      if (opts.password !== undefined && opts.passwordStdin) throw new UsageFailure('give --password or --password-stdin, not both');
      const password = opts.passwordStdin ? await readSecret(io, 'password') : opts.password;
      const dto = validated(UserInputDto, {
        uid,
        ...(password !== undefined ? { password } : {}),
        ...(opts.attribute ? { attributes: opts.attribute } : {}),
        ...(opts.sub !== undefined ? { sub: opts.sub } : {}),
      }, 'user');
      const user = await admin('users create', (ops) => ops.createUser(dto));
      if (opts.json) return io.stdout(json(user));
      io.stdout(`Created user "${user.attributes.uid}" with the subject id ${user.sub}${user.has_password ? '' : ' (no password: cannot sign in with one)'}.\n`);
    });

  users
    .command('list')
    .description('List users with their attributes, oldest first (never their passwords); with filters, only those matching every one')
    .option('--limit <n>', `at most this many (1–${MAX_PAGE})`, integer(1, MAX_PAGE), 100)
    .option('--offset <n>', 'skip this many first', integer(0, 1_000_000_000), 0)
    .option('--uid <uid>', 'only the user with this uid')
    .option('--attribute <name=value>', 'only users whose attribute has exactly this value; repeat for several', attribute)
    .option('--disabled', 'only disabled users')
    .option('--json', 'print the users as JSON')
    .action(async (opts: { limit: number; offset: number; uid?: string; attribute?: Record<string, string>; disabled?: boolean; json?: boolean }) => {
      const attributes = { ...opts.attribute, ...(opts.uid !== undefined ? { uid: opts.uid } : {}) };
      const page = await admin('users list', (ops) => ops.listUsers(opts.limit, opts.offset, { attributes, disabled: opts.disabled ? true : undefined }));
      if (opts.json) return io.stdout(json(page));
      if (page.length === 0) return io.stdout(opts.offset > 0 ? 'No more users.\n' : 'No users.\n');
      io.stdout(table(['SUB', 'UID', 'PASSWORD', 'ATTRIBUTES', 'CREATED'], page.map((u: UserViewDto) => {
        const { uid, ...rest } = u.attributes;
        const attrs = Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(',');
        return [cell(u.sub), cell(uid), u.disabled ? 'disabled' : u.has_password ? 'yes' : 'no', cell(attrs), time(u.created_at)];
      })));
      if (page.length === opts.limit) io.stdout(`(first ${opts.limit} from ${opts.offset}; more with --offset ${opts.offset + opts.limit})\n`);
    });

  userCommand(users, 'show', 'Show one user: subject id, attributes, whether they have a password and are disabled (never the password)')
    .option('--json', 'print the user as JSON')
    .action(async (sub: string | undefined, opts: { uid?: string; json?: boolean }) => {
      exactlyOne('user', { '<sub>': sub, '--uid': opts.uid });
      const u = await admin('users show', async (ops) => ops.getUser(await resolveSub(ops, sub, opts.uid)));
      if (opts.json) return io.stdout(json(u));
      io.stdout(fields([
        ['sub', cell(u.sub)],
        ...Object.entries(u.attributes).map(([name, value]): [string, string] => [`attribute ${name}`, cell(value)]),
        ['password', u.has_password ? 'set (only its hash is stored)' : 'none'],
        ['disabled', u.disabled ? 'yes' : 'no'],
        ['created_at', time(u.created_at)],
        ['updated_at', time(u.updated_at)],
      ]));
    });

  userCommand(users, 'update', 'Change some of a user: attributes set or removed, disabled or enabled; the rest stays (the admin API\'s PATCH)')
    .option('--attribute <name=value>', 'set an attribute (uid renames the user); repeat for several', attribute)
    .option('--remove-attribute <name>', 'remove an attribute; repeat for several', repeat)
    .option('--disable', 'the user can no longer sign in, get tokens with a password or refresh them (tokens they hold live on: see revoke)')
    .option('--enable', 'the user can sign in again')
    .option('--json', 'print the user as JSON')
    .action(async (sub: string | undefined, opts: { uid?: string; attribute?: Record<string, string>; removeAttribute?: string[]; disable?: boolean; enable?: boolean; json?: boolean }) => {
      exactlyOne('user', { '<sub>': sub, '--uid': opts.uid });
      if (opts.disable && opts.enable) throw new UsageFailure('give --disable or --enable, not both');
      const removed = (opts.removeAttribute ?? []).find((name) => opts.attribute && name in opts.attribute);
      if (removed !== undefined) throw new UsageFailure(`--attribute ${removed}=… and --remove-attribute ${removed} exclude each other`);
      const attributes = { ...opts.attribute, ...Object.fromEntries((opts.removeAttribute ?? []).map((name) => [name, null])) };
      const patch = validated(UserPatchDto, {
        ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
        ...(opts.disable || opts.enable ? { disabled: opts.disable === true } : {}),
      }, 'user change');
      if (Object.keys(patch).length === 0) throw new UsageFailure('nothing to change: give --attribute, --remove-attribute, --disable or --enable');
      const user = await admin('users update', async (ops) => ops.updateUser(await resolveSub(ops, sub, opts.uid), patch));
      if (opts.json) return io.stdout(json(user));
      io.stdout(`Updated user ${user.sub}${byUid(user.attributes.uid)}${user.disabled ? '; disabled' : ''}.\n`);
    });

  userCommand(users, 'set-password', 'Set a user\'s password (stored hashed), or remove it with --remove: the old one stops working at once')
    .option('--password <password>', 'the new password (it may stay in your shell history; see --password-stdin)')
    .option('--password-stdin', 'read the new password from the first line of standard input')
    .option('--remove', 'remove the password: the user can no longer sign in with one')
    .action(async (sub: string | undefined, opts: { uid?: string; password?: string; passwordStdin?: boolean; remove?: boolean }) => {
      exactlyOne('user', { '<sub>': sub, '--uid': opts.uid });
      if ([opts.password !== undefined, opts.passwordStdin, opts.remove].filter(Boolean).length !== 1) throw new UsageFailure('give one of --password, --password-stdin or --remove');
      const password = opts.remove ? null : opts.passwordStdin ? await readSecret(io, 'password') : opts.password!;
      const patch = validated(UserPatchDto, { password }, 'password');
      const user = await admin('users set-password', async (ops) => ops.updateUser(await resolveSub(ops, sub, opts.uid), patch));
      io.stdout(`${password === null ? 'Removed the password of' : 'Set a new password for'} user ${user.sub}${byUid(user.attributes.uid)}.\n`);
    });

  userCommand(users, 'delete', 'Delete a user: their sessions end (SRIs listed) and every token they hold stops working')
    .option('--json', 'print {"deleted": "<sub>"} as JSON')
    .action(async (sub: string | undefined, opts: { uid?: string; json?: boolean }) => {
      exactlyOne('user', { '<sub>': sub, '--uid': opts.uid });
      const deleted = await admin('users delete', async (ops) => {
        const found = await resolveSub(ops, sub, opts.uid);
        await ops.deleteUser(found);
        return found;
      });
      if (opts.json) return io.stdout(json({ deleted }));
      io.stdout(`Deleted user ${deleted}${byUid(opts.uid)}; their sessions ended and their tokens stopped working.\n`);
    });

  userCommand(users, 'revoke', 'Revoke every token and session of a user, as the global token revocation endpoint does (the same service): '
    + 'tokens issued until now stop working, live sessions end and their SRIs go on the session revocation list. Repeating it is harmless. Needs the store.')
    .option('--json', 'print the result as JSON')
    .action(async (sub: string | undefined, opts: { uid?: string; json?: boolean }) => {
      exactlyOne('user', { '<sub>': sub, '--uid': opts.uid });
      const result = await services(async (ctx) => {
        const target = sub !== undefined
          ? (await ctx.get(UserAdminService).require(sub)).id
          : onlyUser(opts.uid!, (await ctx.get(UserRepository).findByAttribute('uid', opts.uid!, 2)).map((u) => ({ sub: u.id })));
        // No admin API route does this: the line names the CLI's own path.
        return audit(ctx, 'users revoke').record('POST', `/cli/users/${encodeURIComponent(target)}/revoke`, 200, async () => {
          const sessionsRevoked = await ctx.get(GlobalRevocationService).revokeUser(target, cliActor());
          // Ended from the commit on; the rows, SRI listings and notifications follow here, not later on a server.
          await ctx.get(SessionWatermarkWorker).markUser(target);
          return { sub: target, sessions_revoked: sessionsRevoked };
        });
      });
      if (opts.json) return io.stdout(json(result));
      io.stdout(`Revoked every token of user ${result.sub}${byUid(opts.uid)} and ended ${result.sessions_revoked} live session${result.sessions_revoked === 1 ? '' : 's'}.\n`);
    });

  for (const [name, description, done] of [
    ['suspend', 'Suspend a user: every token of theirs answers inactive, SUSPENDED in the token status lists, until `users resume`. Their sessions live on.', 'Suspended'],
    ['resume', 'Lift a suspension: tokens of the user not otherwise revoked are good again.', 'Resumed'],
  ] as const) {
    userCommand(users, name, description)
      .action(async (sub: string | undefined, opts: { uid?: string }) => {
        exactlyOne('user', { '<sub>': sub, '--uid': opts.uid });
        const found = await admin(`users ${name}`, async (ops) => {
          const target = await resolveSub(ops, sub, opts.uid);
          await (name === 'suspend' ? ops.suspendUser(target) : ops.resumeUser(target));
          return target;
        });
        io.stdout(`${done} user ${found}${byUid(opts.uid)}.\n`);
      });
  }
}
