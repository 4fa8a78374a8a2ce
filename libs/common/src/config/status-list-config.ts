/** Token Status Lists (docs/status-list.md). */
export interface StatusListConfig {
  /** Seconds a relying party may cache a Status List Token before fetching it again (its `ttl` claim). */
  ttl: number;
  /** Indexes per list (a power of two); a full list rolls over to a new one. */
  capacity: number;
  /** Indexes an instance leases from the store at a time (a power of two, at most the capacity). */
  blockSize: number;
}

/** A block never spans two lists: it is at most the capacity (both are powers of two, so it divides it). */
export function statusListConfig(ttl?: number, capacity?: number, blockSize?: number): StatusListConfig {
  const size = capacity ?? 131_072;
  return { ttl: ttl ?? 60, capacity: size, blockSize: Math.min(blockSize ?? 1024, size) };
}
