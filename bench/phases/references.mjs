// Phase: the reference servers of bench/targets/, each a child of the bench on a free port.
import { join } from 'node:path';
import { startHelper } from '../lib/server.mjs';

export async function references(ctx) {
  const { oidc } = ctx.clients;
  ctx.refs.bare = await startHelper(ctx, 'bare', 'bare-server.mjs', {});
  ctx.refs.oidc = await startHelper(ctx, 'oidc', 'oidc-server.mjs', { CLIENT_ID: oidc.id, CLIENT_SECRET: oidc.secret });
  // The framework's own cost: one constant route, and a route shaped like the status check doing none of its work.
  ctx.refs.nest = await startHelper(ctx, 'nest', 'nest-hello.cjs', {});
  ctx.refs.statusShape = await startHelper(ctx, 'nest-status-shape', 'nest-status-shape.cjs', { SERVER_DIST: join(ctx.appDir, 'dist') });
}
