'use strict';
/**
 * Runs a built app from dist/, building it first with `nest build <project>` when dist/ is missing
 * or older than a source file, so `npm start` and `npm run cli` work from a fresh clone after
 * `npm install`, never run stale code, and skip the build (about 40 s) when it is current.
 * The build's output goes to stderr, so `npm run -s cli -- … --json` prints only the JSON.
 * The installed `bin` and `npm run start:prod` run dist/ directly and never build; in the
 * production layout (deploy/production-layout.sh), which has no sources, nothing is ever built.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** Newest modification time of the files the build reads (sources, tsconfigs, nest-cli.json, the lock file). */
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

function build(project) {
  let nest;
  try {
    nest = require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] });
  } catch {
    return false;
  }
  process.stderr.write(`Building (dist/ is missing or older than the sources): nest build ${project} …\n`);
  const result = spawnSync(process.execPath, [nest, 'build', project], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  return result.status === 0;
}

/** Builds `project` when dist/ is missing or stale; returns its entry point. Without sources (a production install) it only checks dist/. */
function ensureBuilt(project) {
  const main = join(root, 'dist', 'apps', project, 'src', 'main.js');
  if (!existsSync(main) || statSync(main).mtimeMs < newestSource()) {
    if (!build(project)) {
      if (!existsSync(main)) {
        process.stderr.write(`error: ${project} is not built and \`nest build ${project}\` failed or is not installed (run npm install, then npm run build)\n`);
        process.exit(1);
      }
      process.stderr.write('warning: the build reported errors; running what dist/ holds\n');
    }
  }
  return main;
}

/** Builds `project` if needed, then loads its entry point in this process (signals reach it directly). */
function runBuilt(project) {
  require(ensureBuilt(project));
}

module.exports = { ensureBuilt, runBuilt };
