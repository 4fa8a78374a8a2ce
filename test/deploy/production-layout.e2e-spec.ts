import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServerBuilt, freePort, ROOT } from '../support/built-server';
import { describeWith } from '../support/requirements';

/** The user the image runs as is `node` (uid 1000); here any unprivileged uid proves the same. */
const UNPRIVILEGED = 65534;
const isRoot = process.getuid?.() === 0;

/**
 * The production layout the Dockerfile's build stage makes (deploy/production-layout.sh), started
 * as the image starts it: an unprivileged user, NODE_ENV=production, the tree read-only, only the
 * data folder writable. No container engine runs here; this is every step of the image but the
 * base image itself (docs/deploy.md).
 */
describeWith(
  process.env.TEST_DATABASE_URL
    ? { missing: 'it runs on SQLite only', inOtherRun: true, howTo: 'run npm test without TEST_DATABASE_URL' }
    : { missing: isRoot ? undefined : 'not running as root, which it needs to start the server as another user', howTo: 'run the suite as root (as .ci/run does)' },
  'the production layout (deploy/production-layout.sh)',
  () => {
    let dir: string;
    let app: string;
    let data: string;
    let child: ChildProcess | undefined;
    let log = '';
    const env = (port: number) => ({
      PATH: process.env.PATH ?? '',
      HOME: data,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      ISSUER: `http://127.0.0.1:${port}`,
      DATABASE_URL: `sqlite:${join(data, 'revocation.sqlite')}`,
      AUDIT_LOG_FILE: join(data, 'logs', 'runtime-api.log'),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      IMPORT_FILE: join(data, 'provision.json'),
      BUILD_COMMIT: 'layout-test',
    });
    const asUser = { uid: UNPRIVILEGED, gid: UNPRIVILEGED };

    beforeAll(() => {
      ensureServerBuilt();
      dir = mkdtempSync(join(tmpdir(), 'layout-'));
      chmodSync(dir, 0o755);
      app = join(dir, 'app');
      execFileSync(join(ROOT, 'deploy', 'production-layout.sh'), [app], { cwd: ROOT, stdio: 'pipe', timeout: 240_000 });
      execFileSync('chmod', ['-R', 'a-w', app]);
      data = join(dir, 'data');
      mkdirSync(data, { mode: 0o700 });
      writeFileSync(join(data, 'provision.json'), JSON.stringify({
        clients: [{ client_id: 'layout', client_secret: 'layout-secret-0123456789', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scopes: ['openid'] }],
      }));
      execFileSync('chown', ['-R', `${UNPRIVILEGED}:${UNPRIVILEGED}`, data]);
    }, 300_000);

    afterAll(() => {
      child?.kill('SIGKILL');
      if (dir) {
        execFileSync('chmod', ['-R', 'u+w', dir]);
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('holds the build and the production dependencies only', () => {
      for (const path of ['dist/apps/server/src/main.js', 'dist/apps/cli/src/main.js', 'dist/ormconfig.js', 'LICENSE', 'node_modules/typeorm', 'node_modules/better-sqlite3']) expect(existsSync(join(app, path))).toBe(true);
      for (const dev of ['jest', '@nestjs/cli', 'typescript', 'oidc-provider', '@swc/core']) expect(existsSync(join(app, 'node_modules', dev))).toBe(false);
      expect(statSync(join(app, 'dist')).mode & 0o222).toBe(0);
    });

    it('runs the migrations from the install, with no build (npm run migration:show)', () => {
      const out = execFileSync('npm', ['run', '--silent', 'migration:show'], { cwd: app, env: env(1), ...asUser, encoding: 'utf8', timeout: 60_000 });
      expect(out).toMatch(/\[ \] InitialSchema1763900000000/);
    });

    it('serves as an unprivileged user on the read-only tree, writing only its data folder, and stops on SIGTERM', async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      child = spawn(process.execPath, ['dist/apps/server/src/main.js'], { cwd: app, env: env(port), ...asUser, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (b: Buffer) => { log += b.toString(); });
      child.stderr!.on('data', (b: Buffer) => { log += b.toString(); });
      const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));

      const deadline = Date.now() + 30_000;
      let ready: Response | undefined;
      while (Date.now() < deadline && child.exitCode === null) {
        ready = await fetch(`${base}/health/ready`).catch(() => undefined);
        if (ready?.status === 200) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect({ status: ready?.status, log: ready?.status === 200 ? '' : log }).toEqual({ status: 200, log: '' });
      expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'ok', version: expect.any(String), commit: 'layout-test' });

      const token = await fetch(`${base}/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from('layout:layout-secret-0123456789').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(token.status).toBe(200);
      // The store and the audit log are in the data folder, owned by the user that runs the server.
      expect(statSync(join(data, 'revocation.sqlite')).uid).toBe(UNPRIVILEGED);
      expect(existsSync(join(data, 'logs'))).toBe(true);

      child.kill('SIGTERM');
      expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running after 10 s'), 10_000))])).toBe(0);
      child = undefined;
      expect(readFileSync(join(data, 'revocation.sqlite')).length).toBeGreaterThan(0);
    });
  },
);
