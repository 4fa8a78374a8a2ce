import { readFileSync } from 'node:fs';
import { ConfigOverrides } from '@app/common';
import { splitAuditLine, unescapeField } from '@app/audit';
import { runCli } from '../../apps/cli/src/cli';

export interface CliRun { code: number; stdout: string; stderr: string }

/**
 * Runs the admin CLI in-process with `config` and captures its output. `stdin`, when given, is
 * what standard input holds; `env` stands for the process environment (remote-mode variables),
 * empty unless given, so a developer's REVOCATION_SERVER_URL never reaches a test.
 */
export async function runCliCaptured(argv: string[], options: { config: ConfigOverrides; stdin?: string; env?: Record<string, string> }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (s: string) => { stdout += s; },
    stderr: (s: string) => { stderr += s; },
    ...(options.stdin !== undefined ? { stdin: async () => options.stdin! } : {}),
  };
  const code = await runCli(argv, io, { config: options.config, env: options.env ?? {} });
  return { code, stdout, stderr };
}

/** The lines of a runtime-api.log file, each as its fields unescaped (`-` gives undefined); none when the file does not exist. */
export function auditFileLines(file: string): (string | undefined)[][] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((line) => splitAuditLine(line).map(unescapeField));
}
