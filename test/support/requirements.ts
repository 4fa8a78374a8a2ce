import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';

/**
 * What a suite needs beyond Node.js and npm (a browser, a service), and the one rule for it:
 * present → the suite runs; missing → the suite is skipped with one plain line on stderr saying
 * which suite and how to run it; missing under CI (CI=true, as .ci/run sets) → the suite fails,
 * so CI never quietly stops running it. A requirement the user named explicitly (CHROMIUM_PATH)
 * fails when it is wrong, CI or not.
 */
export interface Requirement {
  /** Undefined when present; else why not, in a few words. */
  missing?: string;
  /** How to get it, for the skip line and the failure. */
  howTo: string;
  /** Fail instead of skipping even outside CI: the user asked for this one by name. */
  demanded?: boolean;
  /** Another run of the suite has it (CI's PostgreSQL run): skipped with the line, under CI too. */
  inOtherRun?: boolean;
}

export const isCI = (): boolean => !!process.env.CI && !/^(0|false|no)$/i.test(process.env.CI);

/** describe(name, fn) when `need` is met; otherwise a skip (and one line) or, under CI, a failure. */
export function describeWith(need: Requirement, name: string, fn: () => void): void {
  if (!need.missing) {
    describe(name, fn);
    return;
  }
  const file = relative(process.cwd(), expect.getState().testPath ?? '') || 'this file';
  if (need.demanded || (isCI() && !need.inOtherRun)) {
    const why = need.demanded ? '' : '; under CI (CI=true) that fails instead of skipping';
    const message = `${need.missing}${why}. To run it: ${need.howTo}.`;
    describe(name, () => {
      it('has what it needs', () => {
        throw Object.assign(new Error(message), { stack: message }); // the message is the whole story
      });
    });
    return;
  }
  process.stderr.write(`SKIPPED "${name}" in ${file}: ${need.missing}. To run it: ${need.howTo}.\n`);
  describe.skip(name, fn);
}

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * The PostgreSQL store of a run with TEST_DATABASE_URL (test-app.ts checks it names the database
 * `test`). A SQLite run skips the suite, CI's included: CI's PostgreSQL run has it.
 */
export function postgresRequirement(): Requirement & { url?: string } {
  const url = process.env.TEST_DATABASE_URL;
  return url
    ? { url, howTo: '' }
    : { missing: 'a SQLite run (TEST_DATABASE_URL is unset)', howTo: 'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx jest <this file>', inOtherRun: true };
}

/** Debian's package path; playwright-core downloads no browser of its own. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Chromium: CHROMIUM_PATH if set (and then it must be there), else /usr/bin/chromium, else `chromium` on PATH. */
export function chromiumRequirement(): Requirement & { path?: string } {
  const howTo = "install Debian's chromium (apt-get install --no-install-recommends chromium) or set CHROMIUM_PATH to a Chromium binary";
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    return executable(given)
      ? { path: given, howTo }
      : { missing: `CHROMIUM_PATH=${given} is not an executable file`, howTo: 'point CHROMIUM_PATH at a Chromium binary, or unset it to look for /usr/bin/chromium', demanded: true };
  }
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'chromium'));
  const path = [DEBIAN_CHROMIUM, ...onPath].find(executable);
  return path ? { path, howTo } : { missing: `no Chromium (not at ${DEBIAN_CHROMIUM}, no \`chromium\` on PATH, CHROMIUM_PATH unset)`, howTo };
}

/**
 * Redis answering PING on host:port, asked once when the test file loads (a child process,
 * since describe() cannot wait; about 0.1 s).
 */
export function redisRequirement(port = 6379, host = '127.0.0.1'): Requirement {
  const probe = `
    const s = require('node:net').connect(${port}, ${JSON.stringify(host)}, () => s.write('PING\\r\\n'));
    s.setTimeout(2000, () => process.exit(1));
    s.on('error', () => process.exit(1));
    s.on('data', (d) => process.exit(String(d).startsWith('+PONG') ? 0 : 1));`;
  const res = spawnSync(process.execPath, ['-e', probe], { timeout: 5000, stdio: 'ignore' });
  return res.status === 0
    ? { howTo: '' }
    : { missing: `no Redis answering PING on ${host}:${port}`, howTo: `start Redis there (apt-get install redis-server, or \`redis-server --port ${port}\`)` };
}
