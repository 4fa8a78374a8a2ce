import { Command } from 'commander';
import { SsfStreamAdminService, StreamAdminView } from '@app/shared-signals/core';
import { CommandEnv } from '../context';
import { integer } from '../option-values';
import { cell, json, table } from '../output';

const MAX_PAGE = 1000;

/** `streams list|show|pause|resume|replay|delete`: the Shared Signals streams, as the admin API's /admin/ssf/streams. */
export function registerStreamCommands(program: Command, { io, services, audit }: CommandEnv): void {
  const streams = program.command('streams')
    .description('Shared Signals streams: list them with their delivery state, pause, resume or delete one, send its failed SETs again');

  streams
    .command('list')
    .description('List streams, oldest first, with their SETs pending and failed and the newest error')
    .option('--client <client_id>', 'only this receiver\'s streams')
    .option('--limit <n>', `at most this many (1–${MAX_PAGE})`, integer(1, MAX_PAGE), 100)
    .option('--json', 'print the streams as JSON')
    .action(async (opts: { client?: string; limit: number; json?: boolean }) => {
      const rows = await services((ctx) => ctx.get(SsfStreamAdminService).list(opts.limit, 0, opts.client));
      if (opts.json) return io.stdout(json(rows));
      if (rows.length === 0) return io.stdout('No streams.\n');
      io.stdout(table(
        ['STREAM', 'CLIENT', 'DELIVERY', 'STATUS', 'PENDING', 'FAILED', 'LAST_ERROR'],
        rows.map((s: StreamAdminView) => [s.stream_id, s.client_id, delivery(s), s.status, String(s.pending), String(s.failed), cell(s.last_error)]),
      ));
    });

  streams
    .command('show')
    .description('Show one stream')
    .argument('<stream_id>')
    .action(async (id: string) => {
      io.stdout(json(await services((ctx) => ctx.get(SsfStreamAdminService).get(id))));
    });

  const change = (name: string, description: string, method: 'POST' | 'DELETE', path: string, status: number, run: (admin: SsfStreamAdminService, id: string) => Promise<unknown>, done: (id: string, result: unknown) => string) => {
    streams
      .command(name)
      .description(description)
      .argument('<stream_id>')
      .option('--json', 'print the result as JSON')
      .action(async (id: string, opts: { json?: boolean }) => {
        const result = await services((ctx) => audit(ctx, `streams ${name}`).record(method, `/admin/ssf/streams/${encodeURIComponent(id)}${path}`, status, () => run(ctx.get(SsfStreamAdminService), id)));
        if (opts.json) return io.stdout(json(result ?? { deleted: id }));
        io.stdout(done(id, result));
      });
  };
  change('pause', 'Pause a stream: its SETs are held until it is resumed; the receiver gets a stream-updated event', 'POST', '/pause', 200,
    (a, id) => a.setStatus(id, 'paused'), (id) => `Stream ${id} is paused.\n`);
  change('resume', 'Resume (enable) a stream: the SETs it held are delivered; the receiver gets a stream-updated event', 'POST', '/resume', 200,
    (a, id) => a.setStatus(id, 'enabled'), (id) => `Stream ${id} is enabled.\n`);
  change('replay', 'Send a stream\'s failed SETs again, with a fresh retry budget (a running server sends them)', 'POST', '/replay', 200,
    (a, id) => a.replayFailed(id), (id, r) => `Queued ${(r as { replayed: number }).replayed} failed SETs of stream ${id} again.\n`);
  change('delete', 'Delete a stream; the SETs it still held are dropped', 'DELETE', '', 204,
    (a, id) => a.remove(id), (id) => `Deleted stream ${id}.\n`);
}

function delivery(s: StreamAdminView): string {
  return s.delivery_method === 'urn:ietf:rfc:8935' ? `push ${s.endpoint_url}` : 'poll';
}
