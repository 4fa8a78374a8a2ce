import type { StatusListBits } from '../../resource-server/src/status-list';

/** Two bits per token: VALID 0, INVALID 1, SUSPENDED 2 (draft-ietf-oauth-status-list §7.1). */
export const STATUS_LIST_BITS: StatusListBits = 2;

/** The media type of a Status List Token in JWT format (§8.1), and its `typ` (§5.1). */
export const STATUS_LIST_MEDIA_TYPE = 'application/statuslist+jwt';
export const STATUS_LIST_TYP = 'statuslist+jwt';

/** Where the lists are served: `{issuer}/statuslists/{id}`, the aggregation at `{issuer}/statuslists` (§9). */
export const STATUS_LISTS_PATH = 'statuslists';

export function statusListUri(issuer: string, listId: number): string {
  return `${issuer}/${STATUS_LISTS_PATH}/${listId}`;
}

export function aggregationUri(issuer: string): string {
  return `${issuer}/${STATUS_LISTS_PATH}`;
}

/**
 * How long an instance hands out indexes of one leased block at most: the bound that lets a
 * list's expiry be known from its leases alone (status_list.expires_at), without trusting
 * entries that a crash may have lost.
 */
export const BLOCK_USE_LIMIT_MS = 10 * 60_000;

/**
 * Kept past a token's `exp`: relying parties allow clock skew (the resource-server kit 30 s),
 * so a revoked token's status must outlive its expiry a little.
 */
export const EXPIRY_MARGIN_MS = 5 * 60_000;
