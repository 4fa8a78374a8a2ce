import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureServerBuilt, freePort, MAIN_JS, ROOT } from '../support/built-server';
import { describeWith } from '../support/requirements';

// A first build of the server (ensureServerBuilt) takes a minute or two; the test itself, seconds.
jest.setTimeout(300_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pid, parent pid, state and arguments of every process, from /proc. */
function processTable(): { pid: number; ppid: number; state: string; argv: string[] }[] {
  const table = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name, in parentheses, may hold spaces: the fields after it are what counts.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      table.push({ pid: Number(name), ppid: Number(ppid), state, argv });
    } catch {
      // gone while listing
    }
  }
  return table;
}

/** The processes below `pid`, children first. */
function descendants(pid: number): { pid: number; argv: string[] }[] {
  const table = processTable();
  const found: { pid: number; argv: string[] }[] = [];
  for (let parents = [pid]; parents.length > 0;) {
    const children = table.filter((p) => parents.includes(p.ppid));
    found.push(...children);
    parents = children.map((p) => p.pid);
  }
  return found;
}

/** Running, or stopped: anything but gone or a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

const linux = process.platform === 'linux' ? {} : { missing: `${process.platform}: the test reads the process table from /proc` };

describeWith({ ...linux, howTo: 'run it on Linux' }, 'SIGTERM to `npm run start:prod`, as a supervisor sends it', () => {
  let dir: string;
  let npm: ChildProcess | undefined;

  beforeAll(() => {
    ensureServerBuilt();
    dir = mkdtempSync(join(tmpdir(), 'revocation-shutdown-'));
  });

  afterAll(() => {
    // Its own process group (detached): whatever is left of it, node included, goes with it.
    if (npm?.pid) {
      try {
        process.kill(-npm.pid, 'SIGKILL');
      } catch {
        // the group is gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the server itself: the port stops answering and no node process is left behind', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    npm = spawn('npm', ['run', '--silent', 'start:prod'], {
      cwd: ROOT,
      detached: true,
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, PORT: String(port), HOST: '127.0.0.1', ISSUER: base,
        DATABASE_URL: `sqlite:${join(dir, 'store.sqlite')}`, AUDIT_LOG_FILE: join(dir, 'runtime-api.log'), LOG_LEVEL: 'error',
      },
    });
    const npmExited = new Promise<void>((resolve) => npm!.once('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (!(await answers(`${base}/health`))) {
      if (Date.now() > deadline) throw new Error('the server did not answer /health within 60 s');
      await sleep(100);
    }
    // node itself, not the shell npm runs the script with (`sh -c "node dist/…/main.js"`).
    const server = descendants(npm.pid!).find((p) => /(^|\/)node$/.test(p.argv[0]) && p.argv[1] === relative(ROOT, MAIN_JS));
    expect(server).toBeDefined();

    process.kill(npm.pid!, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([npmExited, new Promise((r) => { timer = setTimeout(r, 10_000); })]);
    clearTimeout(timer);
    for (const stop = Date.now() + 5_000; Date.now() < stop && (alive(server!.pid) || (await answers(`${base}/health`)));) await sleep(100);
    expect({ serverAlive: alive(server!.pid), portAnswers: await answers(`${base}/health`) }).toEqual({ serverAlive: false, portAnswers: false });
    expect(processTable().filter((p) => p.pid === server!.pid && p.state !== 'Z')).toEqual([]);
  });
});
