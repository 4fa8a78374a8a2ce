// The resource-server kit (libs/resource-server) for the in-process rows: compiled with its own
// tsconfig (the server's build leaves it out) into the run's temp directory, so a rebuild in the
// working tree cannot change it mid-run; and the two child scripts of the status-list phase.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, startChild, stopChild } from './children.mjs';
import { log } from './context.mjs';

/** Compiles the kit into ctx.appDir/kit (next to the node_modules link); sets ctx.kitDir, or ctx.kitReason. */
export function compileKit(ctx) {
  // With BENCH_REF, appDir holds that commit's sources; otherwise the working tree's.
  const source = join(ctx.env.BENCH_REF ? ctx.appDir : ctx.root, 'libs', 'resource-server', 'tsconfig.build.json');
  if (!existsSync(source)) {
    ctx.kitReason = 'not available (no libs/resource-server in this build)';
    return;
  }
  const out = join(ctx.appDir, 'kit');
  try {
    execFileSync(join(ctx.root, 'node_modules', '.bin', 'tsc'), ['-p', source, '--outDir', out, '--declaration', 'false'], { stdio: ['ignore', 'pipe', 'pipe'] });
    ctx.kitDir = out;
  } catch (err) {
    ctx.kitReason = `the kit did not compile: ${String(err.stdout ?? err.message).slice(0, 300)}`;
    log(ctx.kitReason);
  }
}

/**
 * Runs one of bench/lib's scripts as a child of the bench (killed with it), with `nodeArgs`;
 * resolves with the JSON it printed last on stdout, or read from `outFile`.
 */
export async function runScript(ctx, name, script, { nodeArgs = [], env = {}, outFile, timeoutMs = 600_000 } = {}) {
  const child = startChild(name, process.execPath, [...nodeArgs, join(ctx.root, 'bench', 'lib', script)], {
    env: { PATH: ctx.env.PATH, HOME: ctx.env.HOME ?? ctx.tmp, TMPDIR: ctx.tmp, NODE_ENV: 'production', ...env },
    cwd: ctx.appDir,
    logFile: join(ctx.tmp, `${name}.log`),
  });
  const timer = setTimeout(() => void stopChild(child, 2000), timeoutMs);
  const { code } = await child.exitPromise;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${script} exited with code ${code}:\n${logTail(child, 15).slice(-3000)}`);
  const text = outFile ? readFileSync(outFile, 'utf8') : child.stdout;
  return JSON.parse(text.trim().split('\n').pop());
}
