import { userInfo } from 'node:os';
import { INestApplicationContext } from '@nestjs/common';
import { Command, InvalidArgumentError } from 'commander';
import { MAX_PAGE, UserAdminService, UserInputDto, UserViewDto } from '@app/admin/core';
import { GlobalRevocationService } from '@app/revocation/core';
import { SessionWatermarkWorker } from '@app/sessions';
import { UserRepository } from '@app/store';
import { CommandEnv, readSecret, validated } from '../context';
import { CliFailure, UsageFailure } from '../errors';
import { cell, json, table, time } from '../output';

/** `NAME=VALUE`, repeatable, into an object. */
const attribute = (value: string, previous: Record<string, string> = {}) => {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected NAME=VALUE.');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
};

const integer = (min: number, max: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
  return Number(value);
};

/** Who a CLI revocation is recorded as (on the revoked sessions, the SRI list and the watermark). */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username || user;
  } catch {
    // No passwd entry (some containers): the actor stays generic.
  }
  return `revocation-admin:${user}`.slice(0, 128);
}

/** The user a command names: a subject id argument or --uid, exactly one of them. */
export async function resolveUser(ctx: INestApplicationContext, sub: string | undefined, uid: string | undefined): Promise<{ sub: string; uid?: string }> {
  if (sub !== undefined) return { sub: (await ctx.get(UserAdminService).require(sub)).id };
  const found = await ctx.get(UserRepository).findByAttribute('uid', uid!, 2);
  if (found.length === 0) throw new CliFailure(`No user with the uid "${uid}".`);
  if (found.length > 1) throw new CliFailure(`Several users have the uid "${uid}"; name one by its subject id.`);
  return { sub: found[0].id, uid };
}

export function exactlyOne(what: string, given: Record<string, string | undefined>): void {
  const names = Object.keys(given).filter((k) => given[k] !== undefined);
  if (names.length !== 1) throw new UsageFailure(`name the ${what} by ${Object.keys(given).join(' or ')}${names.length > 1 ? ', not both' : ''}`);
}

/** `users create|list|revoke|suspend|resume`. */
export function registerUserCommands(program: Command, { io, services }: CommandEnv): void {
  const users = program.command('users').description('Manage users (create, list), revoke everything a user holds (revoke), or hold it (suspend, resume)');

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
      const user = await services((ctx) => ctx.get(UserAdminService).create(dto));
      if (opts.json) return io.stdout(json(user));
      io.stdout(`Created user "${user.attributes.uid}" with the subject id ${user.sub}${user.has_password ? '' : ' (no password: cannot sign in with one)'}.\n`);
    });

  users
    .command('list')
    .description('List users with their attributes, oldest first (never their passwords)')
    .option('--limit <n>', `at most this many (1–${MAX_PAGE})`, integer(1, MAX_PAGE), 100)
    .option('--offset <n>', 'skip this many first', integer(0, 1_000_000_000), 0)
    .option('--json', 'print the users as JSON')
    .action(async (opts: { limit: number; offset: number; json?: boolean }) => {
      const page = await services((ctx) => ctx.get(UserAdminService).list(opts.limit, opts.offset));
      if (opts.json) return io.stdout(json(page));
      if (page.length === 0) return io.stdout(opts.offset > 0 ? 'No more users.\n' : 'No users.\n');
      io.stdout(table(['SUB', 'UID', 'PASSWORD', 'ATTRIBUTES', 'CREATED'], page.map((u: UserViewDto) => {
        const { uid, ...rest } = u.attributes;
        const attrs = Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(',');
        return [cell(u.sub), cell(uid), u.has_password ? 'yes' : 'no', cell(attrs), time(u.created_at)];
      })));
      if (page.length === opts.limit) io.stdout(`(first ${opts.limit} from ${opts.offset}; more with --offset ${opts.offset + opts.limit})\n`);
    });

  users
    .command('revoke')
    .description('Revoke every token and session of a user, as the global token revocation endpoint does (the same service): '
      + 'tokens issued until now stop working, live sessions end and their SRIs go on the session revocation list. Repeating it is harmless.')
    .argument('[sub]', 'the user\'s subject id')
    .option('--uid <uid>', 'name the user by uid instead of subject id')
    .option('--json', 'print the result as JSON')
    .action(async (sub: string | undefined, opts: { uid?: string; json?: boolean }) => {
      exactlyOne('user', { '<sub>': sub, '--uid': opts.uid });
      const result = await services(async (ctx) => {
        const user = await resolveUser(ctx, sub, opts.uid);
        const sessionsRevoked = await ctx.get(GlobalRevocationService).revokeUser(user.sub, cliActor());
        // Ended from the commit on; the rows, SRI listings and notifications follow here, not later on a server.
        await ctx.get(SessionWatermarkWorker).markUser(user.sub);
        return { sub: user.sub, sessions_revoked: sessionsRevoked };
      });
      if (opts.json) return io.stdout(json(result));
      io.stdout(`Revoked every token of user ${result.sub}${opts.uid !== undefined ? ` (uid "${opts.uid}")` : ''} and ended ${result.sessions_revoked} live session${result.sessions_revoked === 1 ? '' : 's'}.\n`);
    });

  for (const [name, description, done] of [
    ['suspend', 'Suspend a user: every token of theirs answers inactive, SUSPENDED in the token status lists, until `users resume`. Their sessions live on.', 'Suspended'],
    ['resume', 'Lift a suspension: tokens of the user not otherwise revoked are good again.', 'Resumed'],
  ] as const) {
    users
      .command(name)
      .description(description)
      .argument('[sub]', 'the user\'s subject id')
      .option('--uid <uid>', 'name the user by uid instead of subject id')
      .action(async (sub: string | undefined, opts: { uid?: string }) => {
        exactlyOne('user', { '<sub>': sub, '--uid': opts.uid });
        const user = await services(async (ctx) => {
          const found = await resolveUser(ctx, sub, opts.uid);
          const admin = ctx.get(UserAdminService);
          await (name === 'suspend' ? admin.suspend(found.sub, cliActor()) : admin.resume(found.sub));
          return found;
        });
        io.stdout(`${done} user ${user.sub}${opts.uid !== undefined ? ` (uid "${opts.uid}")` : ''}.\n`);
      });
  }
}
