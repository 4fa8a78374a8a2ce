import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What is running: the package version, the commit when the build recorded one (BUILD_COMMIT), and Node.js. */
export interface BuildInfo {
  version: string;
  commit: string;
  node: string;
}

/** The packages this file ships in: the server, and the modules' npm package that hosts install. */
const OWN_PACKAGES = new Set(['revocation-server', '@revocation-server/nest']);

/** The version of the package this file ships in, found upwards from here (src/ in tests, dist/ in production, node_modules/ in a host). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name && OWN_PACKAGES.has(pkg.name) && pkg.version) return pkg.version;
  }
  return 'unknown';
}

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  cached ??= { version: packageVersion(), commit: process.env.BUILD_COMMIT?.trim() || 'unknown', node: process.version };
  return cached;
}
