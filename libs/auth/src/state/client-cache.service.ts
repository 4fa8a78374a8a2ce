import { Injectable } from '@nestjs/common';
import { ClientEntity, ClientRepository } from '@app/store';
import { RevocationIndex } from './revocation-index.service';

const CLIENT_TTL_MS = 60_000;
const UNKNOWN_TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

/**
 * Client records, read from the store and kept in memory for a minute. Every change to a
 * client reaches each instance through the revocation feed (RevocationFeedFollower calls
 * forget()), so a cached copy is trusted only while the feed is being read: while the
 * revocation index is fresh.
 */
@Injectable()
export class ClientCache {
  private readonly clients = new Map<string, { client: ClientEntity | null; until: number }>();
  private hits = 0;
  private misses = 0;

  constructor(private readonly repo: ClientRepository, private readonly index: RevocationIndex) {}

  /** The client record when memory can answer for it (null: known not to exist); undefined when only the store can. */
  cached(clientId: string): ClientEntity | null | undefined {
    const now = Date.now();
    const hit = this.clients.get(clientId);
    if (!hit || hit.until <= now || !this.index.isFresh(now)) return undefined;
    this.hits++;
    return hit.client;
  }

  /** The client record, from memory when recently read. */
  async get(clientId: string): Promise<ClientEntity | null> {
    const cached = this.cached(clientId);
    if (cached !== undefined) return cached;
    const now = Date.now();
    this.misses++;
    const client = await this.repo.findById(clientId);
    if (this.clients.size > MAX_ENTRIES) this.clients.clear();
    this.clients.set(clientId, { client, until: now + (client ? CLIENT_TTL_MS : UNKNOWN_TTL_MS) });
    return client;
  }

  /** The client changed (or its tokens were revoked on its deletion): the next lookup reads the store. */
  forget(clientId: string): void {
    this.clients.delete(clientId);
  }

  /** Lookups answered from memory and from the store since start. */
  stats(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.misses };
  }
}
