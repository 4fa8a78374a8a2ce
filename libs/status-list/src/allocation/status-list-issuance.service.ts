import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HttpConfig, InjectConfig, StatusListConfig, TokenConfig } from '@app/common';
import type { StatusListTokenType } from '@app/store';
import { BLOCK_USE_LIMIT_MS, EXPIRY_MARGIN_MS, statusListUri, STATUS_LISTS_PATH } from '../status-list.constants';
import { StatusListEntryRepository, StatusListEntryRow } from '../store/status-list-entry.repository';
import { StatusListRepository } from '../store/status-list.repository';
import { StatusListTracker } from '../state/status-list-tracker.service';
import { BlockAllocator } from './block-allocator';
import { EntryWriter } from './entry-writer.service';

/** The `status` claim of a Referenced Token in JOSE (draft §6.2). */
export interface StatusClaim {
  status: { status_list: { idx: number; uri: string } };
}

/** Whose tokens one token response holds. */
export interface StatusHolder {
  clientId: string;
  /** Undefined for a client's own token (client_credentials). */
  userId?: string;
  session?: { id: string; sri: string };
}

/**
 * Gives each token an index of a status list at issuance: TokenIssuer asks for one claim per
 * JWT it signs, then records the response's entries. A user's token is recorded in the
 * issuance transaction (its token rows are written there already); a client's own token is
 * written behind (EntryWriter), so client_credentials pays no store round trip for it.
 */
@Injectable()
export class StatusListIssuance implements OnApplicationBootstrap {
  private readonly logger = new Logger('StatusList');
  private readonly allocator: BlockAllocator;

  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    @InjectConfig('statusList') config: StatusListConfig,
    @InjectConfig('tokens') tokens: Pick<TokenConfig, 'accessTokenTtl' | 'idTokenTtl'>,
    lists: StatusListRepository,
    private readonly entries: StatusListEntryRepository,
    private readonly writer: EntryWriter,
    private readonly tracker: StatusListTracker,
  ) {
    const longestTokenMs = Math.max(tokens.accessTokenTtl, tokens.idTokenTtl) * 1000;
    this.allocator = new BlockAllocator((em) => lists.leaseBlock(config, Date.now() + BLOCK_USE_LIMIT_MS + longestTokenMs + EXPIRY_MARGIN_MS, em));
  }

  /** Leases the first block before the first token asks for it. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.allocator.allocate();
    } catch (err) {
      this.logger.warn(`No status list block leased at start (the first token will lease one): ${(err as Error).message}`);
    }
  }

  /** One token response's statuses: `claim` for each JWT, then `record` where its token rows are written. */
  forResponse(holder: StatusHolder, em?: EntityManager): ResponseStatuses {
    return new ResponseStatuses(this, holder, em);
  }

  /** Resolves once the entries written behind are written and no lease is under way (tests; two instances in one process on SQLite must not write at once). */
  async drain(): Promise<void> {
    await this.allocator.idle();
    await this.writer.flush();
  }

  allocate(em?: EntityManager) {
    return this.allocator.allocate(em);
  }

  uriOf(listId: number): string {
    return statusListUri(this.http.issuer, listId);
  }

  /** A user's entries, in the issuance transaction; a client's, written behind. */
  async record(rows: StatusListEntryRow[], isUsers: boolean, em?: EntityManager): Promise<void> {
    if (isUsers) await this.entries.insert(rows, em);
    else for (const row of rows) this.writer.writeLater(row);
    this.tracker.trackIssued(rows);
  }

  /**
   * Records the entry of a client's own token from its verified claims (RFC 7009 revocation):
   * its entry may have been lost with the batch a crash cut short, and without it the
   * revocation could not reach its status. An entry already written is kept.
   */
  async recordFromClaims(claims: Record<string, unknown>): Promise<void> {
    const ref = (claims.status as Partial<StatusClaim['status']> | undefined)?.status_list;
    const prefix = `${this.http.issuer}/${STATUS_LISTS_PATH}/`;
    if (!ref || typeof ref.idx !== 'number' || typeof ref.uri !== 'string' || !ref.uri.startsWith(prefix)) return;
    const listId = Number(ref.uri.slice(prefix.length));
    if (!Number.isSafeInteger(listId) || typeof claims.jti !== 'string' || typeof claims.client_id !== 'string') return;
    this.writer.writeLater({
      listId, idx: ref.idx, tokenId: claims.jti, tokenType: 'access_token', clientId: claims.client_id, userId: null, sessionId: null, sri: null,
      issuedAt: Number(claims.iat) * 1000, expiresAt: Number(claims.exp) * 1000,
    });
    await this.writer.flush();
  }
}

/** The entries of one token response, recorded together. */
export class ResponseStatuses {
  private readonly rows: StatusListEntryRow[] = [];

  constructor(private readonly issuance: StatusListIssuance, private readonly holder: StatusHolder, private readonly em?: EntityManager) {}

  /** An index for one JWT: its `status` claim. `tokenId` is the access token's `jti` (ID tokens have none). */
  async claim(tokenType: StatusListTokenType, tokenId: string | null, issuedAt: number, expiresAt: number): Promise<StatusClaim> {
    const { listId, idx } = await this.issuance.allocate(this.em);
    const { clientId, userId, session } = this.holder;
    this.rows.push({
      listId, idx, tokenId, tokenType, clientId, userId: userId ?? null, sessionId: session?.id ?? null, sri: session?.sri ?? null, issuedAt, expiresAt,
    });
    return { status: { status_list: { idx, uri: this.issuance.uriOf(listId) } } };
  }

  /** Records the entries claimed, where the response's token rows are written. */
  record(): Promise<void> {
    return this.issuance.record(this.rows, this.holder.userId !== undefined, this.em);
  }
}
