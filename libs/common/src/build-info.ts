import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What is running: the package version, the commit when the build recorded one (BUILD_COMMIT), and Node.js. */
export interface BuildInfo {
  version: string;
  commit: string;
  node: string;
}

/** The server's own package.json, found upwards from here (src/ in tests, dist/ in production). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'revocation-server' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  cached ??= { version: packageVersion(), commit: process.env.BUILD_COMMIT?.trim() || 'unknown', node: process.version };
  return cached;
}
