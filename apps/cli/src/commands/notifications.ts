import { Command } from 'commander';
import { MAX_PAGE, NotificationAdminService, NotificationViewDto, parseStatuses } from '@app/admin/core';
import { ApiError } from '@app/common';
import { CommandEnv } from '../context';
import { integer } from '../option-values';
import { UsageFailure } from '../errors';
import { cell, json, table, time } from '../output';

/** `notifications list|retry`: the outbox of back-channel logout and CAEP notifications. */
export function registerNotificationCommands(program: Command, { io, services, audit }: CommandEnv): void {
  const notifications = program.command('notifications')
    .description('Session-ended notifications (back-channel logout, CAEP session-revoked): list those pending or failed, send one again');

  notifications
    .command('list')
    .description('List notifications, newest first: by default those not delivered (pending: waiting or retrying; failed: gave up)')
    .option('--status <statuses>', 'pending, delivered, failed (comma-separated), or all', 'pending,failed')
    .option('--limit <n>', `at most this many (1–${MAX_PAGE})`, integer(1, MAX_PAGE), 100)
    .option('--json', 'print the notifications as JSON')
    .action(async (opts: { status: string; limit: number; json?: boolean }) => {
      let statuses;
      try {
        statuses = parseStatuses(opts.status);
      } catch (err) {
        throw new UsageFailure(err instanceof ApiError ? err.description : String(err));
      }
      const { rows, counts } = await services(async (ctx) => {
        const admin = ctx.get(NotificationAdminService);
        return { rows: await admin.list(statuses, opts.limit), counts: await admin.counts() };
      });
      if (opts.json) return io.stdout(json(rows));
      const summary = `${counts.pending} pending, ${counts.failed} failed, ${counts.delivered} delivered.\n`;
      if (rows.length === 0) return io.stdout(`No ${statuses.join(' or ')} notifications. ${summary}`);
      io.stdout(table(
        ['ID', 'KIND', 'CLIENT', 'STATUS', 'ATTEMPTS', 'NEXT_ATTEMPT', 'CREATED', 'LAST_ERROR'],
        rows.map((n: NotificationViewDto) => [
          n.id, n.kind, cell(n.client_id), n.status, String(n.attempts), time(n.next_attempt_at), time(n.created_at), cell(n.last_error),
        ]),
      ));
      io.stdout(summary);
    });

  notifications
    .command('retry')
    .description('Send a failed (or waiting) notification again at once, with a fresh retry budget; a running server sends it')
    .argument('<id>', 'the notification id (from list)')
    .option('--json', 'print the notification as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const n = await services((ctx) => audit(ctx, 'notifications retry').record('POST', `/admin/notifications/${encodeURIComponent(id)}/retry`, 200, () => ctx.get(NotificationAdminService).retry(id)));
      if (opts.json) return io.stdout(json(n));
      io.stdout(`Queued ${n.kind} ${n.id} to client ${n.client_id} for an attempt now.\n`);
    });
}
