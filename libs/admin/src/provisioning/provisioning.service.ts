import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { Injectable, Optional } from '@nestjs/common';
import { hashClientSecret, hashSecret, verifySecret } from '@app/auth';
import { OutboundUrlPolicy } from '@app/common';
import { FeatureFlagService } from '@app/feature-flag';
import { ClientEntity, ClientRepository, FeatureFlagRepository, Transactor, UserRepository } from '@app/store';
import { clientSettingsFrom, hasSettings, usesSecret } from '../admin/client-admin.service';
import { outboundUriProblems } from '../validation/outbound-uris';
import { DtoValidationError, validateDto } from '../validation/validate-dto';
import { ImportClientDto, ImportFileDto, ImportUserDto } from './import-file.dto';

/** Import files larger than this are refused before parsing. */
export const MAX_IMPORT_FILE_BYTES = 32 * 1024 * 1024;

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportSummary {
  clients: ImportCounts;
  users: ImportCounts;
  /** How many feature flags the document sets. */
  feature_flags: number;
}

/** An import that was refused; nothing was written. Each problem names its JSON path. */
export class ProvisioningError extends Error {
  constructor(readonly problems: string[], source = 'The import document') {
    super(problems.length === 1 ? `${source}: ${problems[0]}` : `${source} has ${problems.length} problems: ${problems.join('; ')}`);
    this.name = 'ProvisioningError';
    // An operator's mistake, not a bug: the message is the whole story.
    this.stack = `${this.name}: ${this.message}`;
  }
}

interface ClientPlan {
  entity: ClientEntity;
  change: keyof ImportCounts;
}

interface UserPlan {
  id: string;
  passwordHash?: string | null;
  attributes: Record<string, string>;
  change: keyof ImportCounts;
}

/**
 * The declarative import: clients, users and feature flags, upserted idempotently. The
 * whole document is validated and checked against the store first, then written in one
 * transaction, so a refused import writes nothing and a repeated one changes nothing.
 */
@Injectable()
export class ProvisioningService {
  constructor(
    private readonly clients: ClientRepository,
    private readonly users: UserRepository,
    private readonly flags: FeatureFlagRepository,
    private readonly tx: Transactor,
    private readonly outbound: OutboundUrlPolicy,
    @Optional() private readonly flagService?: FeatureFlagService,
  ) {}

  async importFile(path: string): Promise<ImportSummary> {
    let text: string;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new ProvisioningError(['not a regular file'], `Import file ${path}`);
      if (info.size > MAX_IMPORT_FILE_BYTES) throw new ProvisioningError([`larger than ${MAX_IMPORT_FILE_BYTES} bytes`], `Import file ${path}`);
      text = await readFile(path, 'utf8');
    } catch (err) {
      if (err instanceof ProvisioningError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
      throw new ProvisioningError([`cannot be read (${reason})`], `Import file ${path}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new ProvisioningError([`is not valid JSON (${(err as Error).message})`], `Import file ${path}`);
    }
    return this.importDocument(doc, `Import file ${path}`);
  }

  async importDocument(doc: unknown, source = 'The import document'): Promise<ImportSummary> {
    let dto: ImportFileDto;
    try {
      dto = validateDto(ImportFileDto, doc);
    } catch (err) {
      if (err instanceof DtoValidationError) throw new ProvisioningError(err.problems, source);
      throw err;
    }
    const problems: string[] = [];
    const clientPlans = await this.planClients(dto.clients ?? [], problems);
    const userPlans = await this.planUsers(dto.users ?? [], problems);
    if (problems.length > 0) throw new ProvisioningError(problems, source);
    const flagEntries = Object.entries(dto.feature_flags ?? {});
    const currentFlags = new Map((await this.flags.list()).map((f) => [f.name, f.enabled]));

    await this.tx.run(async (em) => {
      for (const plan of clientPlans) if (plan.change !== 'unchanged') await this.clients.save(plan.entity, em);
      for (const plan of userPlans) {
        if (plan.change === 'unchanged') continue;
        await this.users.upsert({ id: plan.id, ...(plan.passwordHash !== undefined ? { passwordHash: plan.passwordHash } : {}) }, plan.attributes, em);
      }
      for (const [name, enabled] of flagEntries) if (currentFlags.get(name) !== enabled) await this.flags.set(name, enabled, em);
    });
    if (flagEntries.length > 0) await this.flagService?.refresh();

    return { clients: count(clientPlans), users: count(userPlans), feature_flags: flagEntries.length };
  }

  /**
   * Clients by client_id. A stored secret hash that already verifies the given secret is kept, so
   * re-imports do not churn; a secret-based client given without a secret keeps the one it has
   * (an export has no secrets), and only a client without one must be given one.
   */
  private async planClients(items: ImportClientDto[], problems: string[]): Promise<ClientPlan[]> {
    const plans: ClientPlan[] = [];
    for (const [i, item] of items.entries()) {
      const refused = outboundUriProblems(item, this.outbound, `clients[${i}].`);
      if (refused.length > 0) {
        problems.push(...refused);
        continue;
      }
      const existing = await this.clients.findById(item.client_id);
      const settings = clientSettingsFrom(item);
      let secretHash: string | null = null;
      if (usesSecret(settings.tokenEndpointAuthMethod)) {
        if (item.client_secret !== undefined) {
          secretHash = existing?.secretHash && (await verifySecret(item.client_secret, existing.secretHash)) ? existing.secretHash : await hashClientSecret(item.client_secret);
        } else if (existing?.secretHash) {
          secretHash = existing.secretHash;
        } else {
          problems.push(`clients[${i}].client_secret: is required with ${settings.tokenEndpointAuthMethod} (the client ${existing ? 'has no secret yet' : 'is new'})`);
          continue;
        }
      }
      const now = Date.now();
      const entity = this.clients.create({
        ...settings, clientId: item.client_id, secretHash, createdAt: existing?.createdAt ?? now, updatedAt: now,
      });
      const change = !existing ? 'created' : hasSettings(existing, settings) && existing.secretHash === secretHash ? 'unchanged' : 'updated';
      plans.push({ entity: change === 'unchanged' ? existing! : entity, change });
    }
    return plans;
  }

  /**
   * Users by `sub` when given, else by an existing user whose attribute `uid` is the uid,
   * else new with a random subject id. A uid may belong to one user only.
   */
  private async planUsers(items: ImportUserDto[], problems: string[]): Promise<UserPlan[]> {
    const plans: UserPlan[] = [];
    const targets = new Map<string, number>();
    for (const [i, item] of items.entries()) {
      const holders = await this.users.findByAttribute('uid', item.uid, 2);
      let id: string;
      let exists: boolean;
      if (item.sub) {
        const other = holders.find((u) => u.id !== item.sub);
        if (other) {
          problems.push(`users[${i}].uid: "${item.uid}" already belongs to another user (sub ${other.id})`);
          continue;
        }
        id = item.sub;
        exists = (await this.users.findById(id)) !== null;
      } else if (holders.length > 1) {
        problems.push(`users[${i}].uid: "${item.uid}" belongs to several users; give their sub`);
        continue;
      } else {
        id = holders[0]?.id ?? randomUUID();
        exists = holders.length === 1;
      }
      const earlier = targets.get(id);
      if (earlier !== undefined) {
        problems.push(`users[${i}]: is the same user as users[${earlier}] (sub ${id})`);
        continue;
      }
      targets.set(id, i);

      const attributes = { ...(item.attributes ?? {}), uid: item.uid };
      const stored = exists ? await this.users.findById(id) : null;
      let passwordHash: string | undefined;
      if (item.password !== undefined) {
        passwordHash = stored?.passwordHash && (await verifySecret(item.password, stored.passwordHash)) ? stored.passwordHash : await hashSecret(item.password);
      }
      let change: keyof ImportCounts = 'created';
      if (stored) {
        const current = await this.users.attributesOf(id);
        const same = Object.entries(attributes).every(([k, v]) => current[k] === v) && (passwordHash === undefined || passwordHash === stored.passwordHash);
        change = same ? 'unchanged' : 'updated';
      }
      plans.push({ id, passwordHash, attributes, change });
    }
    return plans;
  }
}

function count(plans: { change: keyof ImportCounts }[]): ImportCounts {
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const p of plans) counts[p.change] += 1;
  return counts;
}
