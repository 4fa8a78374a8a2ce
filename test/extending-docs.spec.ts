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
  ])('%s: the table lists every option, and nothing else', (heading, file, name) => {
    const options = optionNames(file, name);
    expect(options.length).toBeGreaterThan(2);
    expect(documented(heading).sort()).toEqual([...options].sort());
  });
});
