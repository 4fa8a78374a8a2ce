#!/usr/bin/env node
'use strict';
/**
 * `npm run cli -- …`: runs the built admin CLI (dist/apps/cli/src/main.js), building it first
 * with `nest build cli` when dist/ is missing or older than a source file, so it works from a
 * fresh clone after `npm install` and never runs stale code. The build's output goes to stderr,
 * so `npm run -s cli -- … --json` prints only the JSON on stdout. The installed `bin`
 * (revocation-admin) runs dist/ directly and never builds.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const main = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

/** Newest modification time of the files the build reads (sources, tsconfig, nest-cli.json, the lock file). */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  visit(join(root, 'apps'));
  visit(join(root, 'libs'));
  for (const f of ['ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json']) {
    if (existsSync(join(root, f))) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  }
  return newest;
}

function build() {
  let nest;
  try {
    nest = require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] });
  } catch {
    return false;
  }
  process.stderr.write('Building the CLI (dist/ is missing or older than the sources): nest build cli …\n');
  const result = spawnSync(process.execPath, [nest, 'build', 'cli'], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  return result.status === 0;
}

if (!existsSync(main) || statSync(main).mtimeMs < newestSource()) {
  if (!build()) {
    if (!existsSync(main)) {
      process.stderr.write('error: the CLI is not built and `nest build cli` failed or is not installed (run npm install, then npm run build)\n');
      process.exit(1);
    }
    process.stderr.write('warning: the build reported errors; running what dist/ holds\n');
  }
}
require(main);
