import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** The members of an exported interface, read from its source (interfaces leave nothing at run time). */
function optionNames(file: string, name: string): string[] {
  const source = readFileSync(join(root, file), 'utf8');
  const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1];
  if (!body) throw new Error(`no interface ${name} in ${file}`);
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
}

/** The options listed in the table under `heading` in docs/extending.md. */
function documented(heading: string): string[] {
  const doc = readFileSync(join(root, 'docs/extending.md'), 'utf8');
  const start = doc.indexOf(heading);
  if (start < 0) throw new Error(`no section ${heading} in docs/extending.md`);
  const next = doc.indexOf('\n### ', start + heading.length);
  const section = doc.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
}

describe('module options documentation (docs/extending.md)', () => {
  it.each([
    ['### RevocationModule', 'libs/revocation/src/revocation.options.ts', 'RevocationModuleOptions'],
    ['### SessionMgmtModule', 'libs/session-mgmt/src/session-mgmt.options.ts', 'SessionMgmtModuleOptions'],
    ['### OAuthModule', 'libs/oauth/src/oauth.options.ts', 'OAuthModuleOptions'],
    ['### DiscoveryModule', 'libs/discovery/src/discovery.options.ts', 'DiscoveryModuleOptions'],
    ['### StoreModule', 'libs/store/src/store.options.ts', 'StoreModuleOptions'],
    ['### FeatureFlagModule', 'libs/feature-flag/src/feature-flags.ts', 'FeatureFlagModuleOptions'],
  ])('%s: the table lists every option, and nothing else', (heading, file, name) => {
    const options = optionNames(file, name);
    // Guards the reading itself: an interface read as empty would match an empty table.
    expect(options.length).toBeGreaterThan(0);
    expect(documented(heading).sort()).toEqual([...options].sort());
  });
});
