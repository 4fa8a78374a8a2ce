// Child processes of the bench: every one is tracked, and all are killed when the bench ends,
// however it ends (normal exit, error, SIGINT/SIGTERM/SIGHUP). Each child also watches our pid
// (BENCH_PARENT_PID) where it can, so not even a SIGKILL of the bench leaves one behind.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

const live = new Set();

function killAllSync(signal = 'SIGKILL') {
  for (const child of live) {
    try {
      child.proc.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

let installed = false;
export function installExitHandlers(onSignal) {
  if (installed) return;
  installed = true;
  process.on('exit', () => killAllSync('SIGKILL'));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig} received, stopping ${live.size} child process(es)\n`);
      killAllSync('SIGTERM');
      try {
        onSignal?.(sig);
      } catch {
        /* best effort */
      }
      setTimeout(() => process.exit(sig === 'SIGINT' ? 130 : 143), 300).unref();
    });
  }
}

export function liveChildren() {
  return [...live].map((c) => ({ name: c.name, pid: c.proc.pid }));
}

/**
 * Spawns `node script` (or any command) with an explicit environment; output goes to a log
 * file, and the last lines are kept for error messages. Resolves once the process is spawned.
 */
export function startChild(name, command, args, { env, cwd, logFile }) {
  const proc = spawn(command, args, { env: { ...env, BENCH_PARENT_PID: String(process.pid) }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  const child = { name, proc, logFile, stdout: '', exited: false, exitCode: null, exitSignal: null };
  const tail = (chunk) => {
    log?.write(chunk);
  };
  proc.stdout.on('data', (chunk) => {
    child.stdout = (child.stdout + chunk.toString()).slice(-8192);
    tail(chunk);
  });
  proc.stderr.on('data', tail);
  child.exitPromise = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      child.exited = true;
      child.exitCode = code;
      child.exitSignal = signal;
      live.delete(child);
      log?.end();
      resolve({ code, signal });
    });
    proc.on('error', (err) => {
      child.exited = true;
      child.error = err;
      live.delete(child);
      resolve({ code: -1, signal: null });
    });
  });
  live.add(child);
  return child;
}

/** The last lines of a child's log, for error messages. */
export function logTail(child, lines = 30) {
  if (!child.logFile) return child.stdout;
  try {
    return readFileSync(child.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stopChild(child, graceMs = 5000) {
  if (!child || child.exited) return;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!child.exited) child.proc.kill('SIGKILL');
  }, graceMs);
  await child.exitPromise;
  clearTimeout(timer);
}

export async function stopAll() {
  await Promise.all([...live].map((c) => stopChild(c)));
}

/** Waits for a line matching `pattern` on the child's stdout. */
export async function waitForOutput(child, pattern, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = child.stdout.match(pattern);
    if (m) return m;
    if (child.exited) throw new Error(`${child.name} exited (code ${child.exitCode}) before it was ready:\n${logTail(child)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${child.name} was not ready within ${timeoutMs} ms:\n${logTail(child)}`);
}

/** Resident and peak resident memory of a process, in MiB, from /proc (Linux). */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number((status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm')) ?? [])[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, peakRssMiB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMiB: null, peakRssMiB: null };
  }
}
