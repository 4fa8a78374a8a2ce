import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { AUDIT_DIR_MODE, AUDIT_FILE_MODE, formatAuditLine } from '@app/audit';
import { ApiError, AuditConfig, buildInfo, SERVER_CONFIG, ServerConfig } from '@app/common';
import { CliIo } from './context';

/** The `method` field of the CLI's lines: how the caller authenticated is "ran the CLI on the store". */
export const CLI_AUTH_METHOD = 'cli';

/**
 * The audit lines of changes made from the CLI on the store: the same runtime-api.log line as
 * the admin API writes (formatAuditLine, the configured file and extra fields), with the OS user
 * as the caller (`revocation-admin:<user>`), `cli` as the method, no address, and the admin API
 * request that makes the same change as HTTP method and path. Appended with O_APPEND, so lines
 * of the CLI and of a server writing the same file stay whole; rotation stays the server's.
 * A line that cannot be written is reported on stderr: the change itself is done.
 */
export class CliAuditLog {
  private readonly file: string;

  constructor(private readonly config: AuditConfig, private readonly actor: string, private readonly io: CliIo, private readonly command: string) {
    this.file = resolve(config.file);
  }

  static of(ctx: INestApplicationContext, actor: string, io: CliIo, command: string): CliAuditLog {
    return new CliAuditLog(ctx.get<ServerConfig>(SERVER_CONFIG).audit, actor, io, command);
  }

  /** Runs a change and writes its line: `status` when it succeeds, the refusal's status (500 for a failure) when not. */
  async record<T>(httpMethod: string, path: string, status: number, change: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await change();
    } catch (err) {
      await this.write(httpMethod, path, err instanceof ApiError ? err.status : 500);
      throw err;
    }
    await this.write(httpMethod, path, status);
    return result;
  }

  private async write(httpMethod: string, path: string, status: number): Promise<void> {
    const line = formatAuditLine({
      time: new Date(), name: this.actor, authMethod: CLI_AUTH_METHOD, httpMethod, path, status,
      extra: { user_agent: `revocation-admin/${buildInfo().version}`, note: `cli=${this.command}` },
    }, this.config.extraFields);
    try {
      await mkdir(dirname(this.file), { recursive: true, mode: AUDIT_DIR_MODE });
      await appendFile(this.file, `${line}\n`, { mode: AUDIT_FILE_MODE, flag: 'a' });
    } catch (err) {
      this.io.stderr(`warning: the audit line could not be written to ${this.file}: ${(err as Error).message}\n`);
    }
  }
}

/** An admin API path, its segments percent-encoded as a client sends them. */
export function adminPath(...segments: string[]): string {
  return `/admin/${segments.map(encodeURIComponent).join('/')}`;
}
