import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiError, ConfigOverrides, ConfigValidationError } from '@app/common';
import { DtoValidationError, ProvisioningError, validateDto } from '@app/admin/core';
import type { AdminOperations } from './admin-operations';
import type { CliAuditLog } from './audit';
import { CliModule } from './cli.module';
import { CliFailure } from './errors';

/** Where the CLI writes (and reads a password from); tests capture it, main.ts passes the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input (for --password-stdin and --secret-stdin). */
  stdin?(): Promise<string>;
}

/** What each command gets: the streams and a way to reach the store's services or a server's admin API. */
export interface CommandEnv {
  io: CliIo;
  /** Opens the store for one piece of work, and always closes it. Local mode only: in remote mode, a usage failure. */
  services<T>(work: (ctx: INestApplicationContext) => Promise<T>): Promise<T>;
  /**
   * The admin operations for one piece of work: on the store (each change with its audit line,
   * `command` naming it there), or through the admin API of the server given with --server.
   */
  admin<T>(command: string, work: (ops: AdminOperations) => Promise<T>): Promise<T>;
  /** Writes the audit lines of local changes the admin operations do not cover (import, keys, …). */
  audit(ctx: INestApplicationContext, command: string): CliAuditLog;
}

/** Builds the Nest context (config, store, admin services) for one command, and always closes it. */
export async function withContext<T>(config: ConfigOverrides, work: (ctx: INestApplicationContext) => Promise<T>): Promise<T> {
  let ctx: INestApplicationContext;
  try {
    ctx = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: false, abortOnError: false });
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      const [head, ...lines] = err.message.split('\n');
      throw new CliFailure(`${head} ${lines.map((l) => l.trim()).join('; ')}`);
    }
    throw new CliFailure(`cannot open the store: ${firstLine((err as Error).message)}`);
  }
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}

/** Validates what the options make of a DTO; a problem is one `invalid <what>: …` line. */
export function validated<T extends object>(cls: new () => T, plain: Record<string, unknown>, what: string): T {
  try {
    return validateDto(cls, plain, what);
  } catch (err) {
    if (err instanceof DtoValidationError) throw new CliFailure(`invalid ${what}: ${err.problems.join('; ')}`);
    throw err;
  }
}

/** Reads a secret from standard input: its first line, which must not be empty. */
export async function readSecret(io: CliIo, what: string): Promise<string> {
  if (!io.stdin) throw new CliFailure(`no standard input to read the ${what} from`);
  const value = (await io.stdin()).split(/\r?\n/)[0];
  if (!value) throw new CliFailure(`standard input holds no ${what}`);
  return value;
}

export function describeFailure(err: unknown): string {
  if (err instanceof CliFailure || err instanceof ProvisioningError) return firstLine(err.message);
  if (err instanceof ApiError) return firstLine(err.description);
  if (err instanceof Error) return firstLine(err.message);
  return firstLine(String(err));
}

const firstLine = (text: string) => text.split('\n')[0];
