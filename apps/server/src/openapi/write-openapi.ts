import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../bootstrap';

/** The issuer openapi.json is written with (its second `servers` entry); a server answers with its own. */
export const OPENAPI_ISSUER = 'http://localhost:8080';

/**
 * `npm run openapi`: writes openapi.json, the document /docs-json serves with the default settings,
 * from an application on a scratch SQLite store. test/openapi.e2e-spec.ts fails when it is stale.
 */
async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'openapi.json');
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const app = await createApp({
      config: { http: { issuer: OPENAPI_ISSUER }, docs: { enabled: true }, store: { databaseUrl: `sqlite:${join(dir, 'store.sqlite')}` }, audit: { file: join(dir, 'runtime-api.log') } },
      logger: false,
    });
    await app.init();
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
    await app.close();
    if (res.statusCode !== 200) throw new Error(`/docs-json answered ${res.statusCode}`);
    writeFileSync(out, `${JSON.stringify(JSON.parse(res.body), null, 2)}\n`);
    process.stdout.write(`Wrote ${out}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
