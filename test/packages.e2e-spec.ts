import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describeWith } from './support/requirements';
import { storeCleanupsSettled, testStoreConfig } from './support/test-app';

const ROOT = join(__dirname, '..');
const NEST = '@revocation-server/nest';
const KIT = '@revocation-server/resource-server';
const PACKAGE_DIRS = { [NEST]: 'packages/nest', [KIT]: 'libs/resource-server' };

interface Manifest {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: { '*': Record<string, string[]> };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface Run {
  code: number;
  stdout: string;
  /** stdout and stderr. */
  output: string;
}

/** Runs a command to its end; the exit code and output are the caller's to judge. */
function run(command: string, args: string[], cwd: string, timeout: number, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** Runs a command that must succeed; its stdout. */
async function mustRun(command: string, args: string[], cwd: string, timeout: number, env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await run(command, args, cwd, timeout, env);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.output}`);
  return result.stdout;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The subpaths a host imports (`./package.json` is data, not a module). */
function moduleSubpaths(manifest: Manifest): string[] {
  return Object.keys(manifest.exports).filter((s) => s !== './package.json').map((s) => (s === '.' ? manifest.name : `${manifest.name}/${s.slice(2)}`));
}

/**
 * The npm packages as a host outside this repository gets them: both are packed (their prepack
 * builds them), installed from the tarballs into a host application in a temporary folder,
 * type-checked there against their declarations, and run on loopback.
 *
 * Nothing is downloaded. The host's install is `--offline`, from npm's cache, which holds every
 * package of this repository's lock file; the host gets a lock file made from this repository's
 * (npm ci fetches tarballs, not the registry documents that `npm install` would need to resolve
 * version ranges), so every dependency resolves to a version the cache holds, and the lock's
 * overrides come with it. better-sqlite3, an optional peer dependency of the server package (a
 * host picks its driver, as with TypeORM), is not installed there: compiling it takes minutes.
 * The host finds this repository's build of it through NODE_PATH, which holds that one package
 * and nothing else, so a dependency the package forgot to declare still fails here. pg, pure
 * JavaScript, is installed as the host's own dependency.
 */
// Packaging does not depend on the store, and the build and install take minutes: once per CI run.
const SQLITE_PASS_ONLY = process.env.TEST_DATABASE_URL ? { missing: 'it runs in the SQLite pass only', inOtherRun: true } : {};

describeWith({ ...SQLITE_PASS_ONLY, howTo: 'run npm test without TEST_DATABASE_URL' }, 'the npm packages, installed from their tarballs into a host outside the repository', () => {
  let work: string;
  let host: string;
  let installed: Record<string, { dir: string; manifest: Manifest }>;
  let typecheck: Run;
  const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; overrides: object };
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const lockedVersion = (name: string) => lock.packages[`node_modules/${name}`].version!;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'revocation-packages-'));
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    // One build per run: prepack builds each package; --json lists what was packed.
    const packed = await mustRun('npm', ['pack', ...Object.values(PACKAGE_DIRS).map((d) => `./${d}`), '--pack-destination', tarballs, '--json', '--loglevel=error'], ROOT, 300_000);
    const files = (JSON.parse(packed) as { name: string; filename: string }[]).map((p) => [p.name, join(tarballs, p.filename)]);

    host = join(work, 'host');
    mkdirSync(join(host, 'src'), { recursive: true });
    writeFileSync(join(host, 'package.json'), JSON.stringify({
      name: 'package-test-host', version: '0.0.0', private: true,
      dependencies: { ...Object.fromEntries(files.map(([name, file]) => [name, `file:${file}`])), pg: lockedVersion('pg') },
      devDependencies: { typescript: lockedVersion('typescript'), '@types/node': lockedVersion('@types/node') },
      overrides: rootManifest.overrides,
    }, null, 2));
    const lockedPackages = Object.fromEntries(Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/')));
    writeFileSync(join(host, 'package-lock.json'), JSON.stringify({ name: 'package-test-host', version: '0.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'package-test-host', version: '0.0.0' }, ...lockedPackages } }));
    // No install scripts: the one native module comes from NODE_PATH (see above), and nothing else needs them.
    await mustRun('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], host, 180_000);
    mkdirSync(join(host, 'native'));
    symlinkSync(join(ROOT, 'node_modules', 'better-sqlite3'), join(host, 'native', 'better-sqlite3'), 'dir');

    installed = Object.fromEntries(Object.keys(PACKAGE_DIRS).map((name) => {
      const dir = join(host, 'node_modules', name);
      return [name, { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }];
    }));
    copyFileSync(join(ROOT, 'packages', 'nest', 'test', 'host', 'main.ts'), join(host, 'src', 'main.ts'));
    // Every subpath of both exports maps, imported: tsc checks their declarations, node loads them.
    const subpaths = Object.values(installed).flatMap(({ manifest }) => moduleSubpaths(manifest));
    writeFileSync(join(host, 'src', 'subpaths.ts'), [
      ...subpaths.map((s, i) => `import * as m${i} from '${s}';`),
      `export const modules: Record<string, object> = { ${subpaths.map((s, i) => `'${s}': m${i}`).join(', ')} };`,
      '',
    ].join('\n'));
    const compilerOptions = {
      module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2022', lib: ['ES2023'], types: ['node'], strict: true,
      experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true, rootDir: 'src', outDir: 'dist',
    };
    // nodenext: the exports map and its types conditions, and require(esm), which the declarations importing jose (ESM only) need.
    writeFileSync(join(host, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src/*.ts'] }, null, 2));
    // Older resolution (no exports map): the packages' typesVersions must lead to the same declarations.
    writeFileSync(join(host, 'tsconfig.node10.json'), JSON.stringify({
      extends: './tsconfig.json', compilerOptions: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0', noEmit: true },
    }, null, 2));
    // Emitted even with type errors, so the other tests still run; the type check's own test reports them.
    typecheck = await run(process.execPath, [join(host, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], host, 180_000);
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the server package: the repository\'s version, Apache-2.0, dist, README and LICENSE only, and a subpath for every library', () => {
    const { dir, manifest } = installed[NEST];
    expect(manifest.version).toBe(rootManifest.version);
    expect(manifest.license).toBe('Apache-2.0');
    const shipped = filesUnder(dir).map((f) => relative(dir, f));
    expect(shipped.filter((f) => !f.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
    expect(shipped.some((f) => f.endsWith('.spec.js') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);
    const libraries = readdirSync(join(ROOT, 'libs')).filter((lib) => lib !== 'resource-server');
    const expected = libraries.flatMap((lib) => [`./${lib}`, ...(existsSync(join(ROOT, 'libs', lib, 'src', 'core.ts')) ? [`./${lib}/core`] : [])]);
    expect(Object.keys(manifest.exports).filter((s) => s !== '.' && s !== './package.json').sort()).toEqual(expected.sort());
    expect(Object.keys(manifest.typesVersions['*']).sort()).toEqual(expected.map((s) => s.slice(2)).sort());
    // Nest and what holds global state (the DataSource, validation metadata) are the host's own.
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(expect.arrayContaining(['@nestjs/common', '@nestjs/core', 'typeorm', 'reflect-metadata', 'rxjs']));
  });

  it('the server package reports its own version (health, metrics) from inside a host\'s node_modules', async () => {
    const script = "process.stdout.write(require('@revocation-server/nest/common').buildInfo().version)";
    expect(await mustRun(process.execPath, ['-e', script], host, 60_000, { PATH: process.env.PATH ?? '', NODE_PATH: join(host, 'native') })).toBe(rootManifest.version);
  });

  it('the kit package: the license text travels with it', () => {
    const { dir, manifest } = installed[KIT];
    expect(manifest.license).toBe('Apache-2.0');
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it.each([NEST, KIT])('%s: every exports entry and typesVersions path names a file in the package', (name) => {
    const { dir, manifest } = installed[name];
    const targets = [
      ...Object.values(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : [t.types, t.default])),
      ...Object.values(manifest.typesVersions['*']).flat(),
    ];
    expect(targets.length).toBeGreaterThan(3);
    expect(targets.filter((t) => !existsSync(join(dir, t)))).toEqual([]);
  });

  it.each([NEST, KIT])('%s: no @app/ import is left in the packed code or declarations', (name) => {
    const { dir } = installed[name];
    const code = filesUnder(dir).filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'));
    expect(code.length).toBeGreaterThan(10);
    const specifier = /(?:require\(\s*|from\s+|import\(\s*)["']@app\//;
    expect(code.filter((f) => specifier.test(readFileSync(f, 'utf8'))).map((f) => relative(dir, f))).toEqual([]);
  });

  it('the host type-checks against the declarations, through the exports map (nodenext) and through typesVersions (node10)', async () => {
    expect(typecheck.output).toBe('');
    expect(typecheck.code).toBe(0);
    const node10 = await run(process.execPath, [join(host, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node10.json'], host, 180_000);
    expect(node10.output).toBe('');
    expect(node10.code).toBe(0);
  }, 200_000);

  it('every subpath loads in the host, each with exports of its own', async () => {
    const script = "const { modules } = require('./dist/subpaths.js'); console.log(JSON.stringify(Object.fromEntries(Object.entries(modules).map(([k, v]) => [k, Object.keys(v).length]))))";
    const loaded = JSON.parse(await mustRun(process.execPath, ['-e', script], host, 60_000, { PATH: process.env.PATH ?? '', NODE_PATH: join(host, 'native') })) as Record<string, number>;
    const expected = Object.values(installed).flatMap(({ manifest }) => moduleSubpaths(manifest));
    expect(Object.keys(loaded).sort()).toEqual(expected.sort());
    expect(Object.entries(loaded).filter(([, count]) => count === 0)).toEqual([]);
  }, 90_000);

  describe('the host running on loopback', () => {
    const secrets = { hr: randomBytes(16).toString('hex'), portal: randomBytes(16).toString('hex') };
    let store: ReturnType<typeof testStoreConfig>;
    let child: ChildProcess | undefined;
    let url: string;
    let sri: string;
    let log = '';
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const gtr = (subId: object, path = '/api/v1/global-token-revocation') => fetch(`${url}${path}`, {
      method: 'POST', headers: { authorization: basic('hr-system', secrets.hr), 'content-type': 'application/json' }, body: JSON.stringify({ sub_id: subId }),
    });
    const revokedSri = (id: string) => fetch(`${url}/pf-ws/rest/sessionMgmt/revokedSris/${id}`, { headers: { authorization: basic('portal', secrets.portal), 'X-XSRF-HEADER': 'PingFederate' } });

    beforeAll(async () => {
      store = testStoreConfig();
      const env = {
        PATH: process.env.PATH ?? '', NODE_PATH: join(host, 'native'), PORT: '0', DATABASE_URL: store.databaseUrl, ...(store.databaseSchema ? { DATABASE_SCHEMA: store.databaseSchema } : {}),
        HOST_DATA_DIR: work, HOST_HR_SECRET: secrets.hr, HOST_PORTAL_SECRET: secrets.portal,
      };
      const started = spawn(process.execPath, [join(host, 'dist', 'main.js')], { cwd: host, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      started.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
      // The host prints one JSON line once it listens and has seeded its clients and session.
      const ready = await new Promise<{ url: string; sri: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the host did not start within 60 s:\n${log}`)), 60_000);
        started.stdout!.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          const line = log.split('\n').find((l) => l.startsWith('{"url"'));
          if (line) {
            clearTimeout(timer);
            resolve(JSON.parse(line) as { url: string; sri: string });
          }
        });
        started.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`the host exited (${code}):\n${log}`));
        });
      });
      ({ url, sri } = ready);
    }, 90_000);

    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child!.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      store?.cleanup();
      await storeCleanupsSettled();
    }, 30_000);

    it('Global Token Revocation under the host\'s prefix ends the user\'s session, whose SRI the Session Revocation API then lists', async () => {
      const before = await revokedSri(sri);
      expect(before.status).toBe(404);
      expect(await before.json()).toMatchObject({ resultId: 'session_mgmt_sri_not_revoked' });
      const res = await gtr({ format: 'email', email: 'ada@example.com' });
      expect(res.status).toBe(204);
      expect((await revokedSri(sri)).status).toBe(200);
      // AuditModule wrote the call to the host's runtime-api.log, after the answer was sent.
      const auditLog = join(work, 'runtime-api.log');
      const audited = () => existsSync(auditLog) && readFileSync(auditLog, 'utf8').split('\n').some((l) => /\|POST\|\/api\/v1\/global-token-revocation\|204(\||$)/.test(l));
      for (let i = 0; i < 50 && !audited(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(audited()).toBe(true);
    });

    it('answers as documented: 204 for an unknown user (the default discloses nothing), 401 for a wrong secret, 404 at the prefix it was moved from', async () => {
      expect((await gtr({ format: 'email', email: 'nobody@example.com' })).status).toBe(204);
      const wrong = await fetch(`${url}/api/v1/global-token-revocation`, {
        method: 'POST', headers: { authorization: basic('hr-system', 'wrong'), 'content-type': 'application/json' }, body: JSON.stringify({ sub_id: { format: 'opaque', id: 'u-ada' } }),
      });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
      expect((await gtr({ format: 'opaque', id: 'u-ada' }, '/jans-auth/restv1/global-token-revocation')).status).toBe(404);
    });

    it('FeatureFlagModule keeps the host\'s defaults', async () => {
      const res = await fetch(`${url}/host/flags`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ END_SESSION: false, GLOBAL_TOKEN_REVOCATION: true, issuer: 'http://host.example.test' });
    });

    it('the resource-server kit\'s guard refuses the host\'s own route without a token (401 and a Bearer challenge) and with a malformed one', async () => {
      const anonymous = await fetch(`${url}/orders`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm="orders"/);
      const malformed = await fetch(`${url}/orders`, { headers: { authorization: 'Bearer not.a.token' } });
      expect(malformed.status).toBe(401);
      expect(malformed.headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error="invalid_token"/);
      // The host's OAuthExceptionFilter keeps the kit's own error code.
      expect(await malformed.json()).toMatchObject({ error: 'invalid_token' });
    });
  });
});
