import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, statSync, WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const MAIN_JS = join(ROOT, 'dist', 'apps', 'server', 'src', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the server (`nest build server`) when dist/ is missing or older than a source file. */
export function ensureServerBuilt(): void {
  const built = existsSync(MAIN_JS) ? statSync(MAIN_JS).mtimeMs : 0;
  const sources = Math.max(newestSource(join(ROOT, 'apps')), newestSource(join(ROOT, 'libs')));
  if (built >= sources) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', 'server'], { cwd: ROOT, stdio: 'pipe', timeout: 240_000 });
}

/** A port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The built server (dist/apps/server/src/main.js) as a child process, its stdout and stderr
 * appended to `logFile`. Killed with SIGKILL if the test process exits first.
 */
export class ServerProcess {
  private constructor(private readonly child: ChildProcess, readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>) {}

  static async start(env: Record<string, string>, logFile: string, baseUrl: string, timeoutMs = 30_000): Promise<ServerProcess> {
    const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [MAIN_JS], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => {
      process.off('exit', killOnExit);
      // Let the pipes drain into the log before closing it.
      setTimeout(() => log.end(), 50);
      resolve({ code, signal });
    }));
    const server = new ServerProcess(child, exited);
    const deadline = Date.now() + timeoutMs;
    let done = false;
    void exited.then(() => { done = true; });
    while (!done && Date.now() < deadline) {
      try {
        if ((await fetch(`${baseUrl}/health`)).status === 200) return server;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`the server did not answer /health within ${timeoutMs} ms (see ${logFile})`);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.child.kill(signal);
    await this.exited;
  }
}
