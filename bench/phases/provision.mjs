// Phase: the first start of this server, on a fresh store, provisioned through IMPORT_FILE (or,
// for a build that does not honour it, the same clients and users written into the store).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../lib/context.mjs';
import { freePort } from '../lib/http.mjs';
import { clientsOf, importFile, resolveUserIds, seedClientsAndUsersDirectly } from '../lib/seed.mjs';
import { openServerStore, startServer, stopServer } from '../lib/server.mjs';
import { round } from '../lib/stats.mjs';

export async function provision(ctx) {
  const { results, clients } = ctx;
  ctx.ports.primary = await freePort();
  ctx.issuer = `http://127.0.0.1:${ctx.ports.primary}`;
  const importPath = join(ctx.tmp, 'import.json');
  writeFileSync(importPath, JSON.stringify(importFile(ctx), null, 2));
  const freshMs = await startServer(ctx, 'primary', ctx.ports.primary, { IMPORT_FILE: importPath });
  results.startup.fresh = { ms: round(freshMs, 1), otherCpu: ctx.lastStartOthers, note: `fresh store: migrations, signing key, import of ${clientsOf(ctx).length} clients and ${ctx.users.length} users (scrypt)` };
  log(`fresh start (migrations + import): ${freshMs.toFixed(0)} ms`);

  const store = await openServerStore(ctx);
  const imported = (await store.query(`SELECT client_id FROM client WHERE client_id IN (?, ?, ?)`, [clients.rs.id, clients.ref.id, clients.gtr.id])).length;
  const importedUsers = (await store.query(`SELECT COUNT(*) AS n FROM user_attribute WHERE name = 'uid' AND value LIKE 'gtr-%'`))[0];
  results.seeding.importFileHonoured = imported === 3 && Number(importedUsers.n) > 0;
  if (!results.seeding.importFileHonoured) {
    results.notes.push('IMPORT_FILE was not honoured by this build: the bench wrote its clients and users straight into the store (same scrypt format).');
    log('IMPORT_FILE not honoured: seeding clients and users directly in the store');
    await stopServer(ctx, 'primary');
    await seedClientsAndUsersDirectly(ctx, store);
    await startServer(ctx, 'primary', ctx.ports.primary);
  }
  await resolveUserIds(ctx, store);
  await store.close();
}
