import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * apps/run-built.js in a scratch tree: a fake `nest` that records each build and writes a new
 * dist/, so the test sees when `npm start` / `npm run cli` build and when they run dist/ as is.
 */
describe('run-built (npm start, npm run cli)', () => {
  let root: string;
  const builds = () => (existsSync(join(root, 'builds.log')) ? readFileSync(join(root, 'builds.log'), 'utf8').trim().split('\n') : []);
  const run = () => execFileSync(process.execPath, ['-e', "require('./apps/run-built').runBuilt('server')"], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  const age = (file: string, secondsAgo: number) => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(root, file), t, t);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'run-built-'));
    mkdirSync(join(root, 'apps', 'server', 'src'), { recursive: true });
    copyFileSync(join(__dirname, 'run-built.js'), join(root, 'apps', 'run-built.js'));
    writeFileSync(join(root, 'apps', 'server', 'src', 'main.ts'), 'export {};\n');
    const nestBin = join(root, 'node_modules', '@nestjs', 'cli', 'bin');
    mkdirSync(nestBin, { recursive: true });
    writeFileSync(
      join(nestBin, 'nest.js'),
      `const fs = require('fs'); const path = require('path');
       fs.appendFileSync('builds.log', process.argv.slice(2).join(' ') + '\\n');
       fs.mkdirSync('dist/apps/server/src', { recursive: true });
       fs.writeFileSync('dist/apps/server/src/main.js', "console.log('ran build ' + " + Date.now() + ")");`,
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds when dist/ is missing, then runs the build', () => {
    expect(run()).toMatch(/^ran build/);
    expect(builds()).toEqual(['build server']);
  });

  it('runs dist/ without building when it is newer than every source', () => {
    run();
    age('apps/server/src/main.ts', 60);
    expect(run()).toMatch(/^ran build/);
    expect(builds()).toEqual(['build server']);
  });

  it('builds again when a source is newer than dist/', () => {
    run();
    age('dist/apps/server/src/main.js', 60);
    run();
    expect(builds()).toEqual(['build server', 'build server']);
  });
});
