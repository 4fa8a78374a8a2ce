/**
 * How many entries each lister gives up when the session revocation list holds `excess` entries
 * over its maximum: the largest holders are lowered together to one level, the rest taken one
 * each from the largest first (ties by lister, so every instance picks the same). A lister
 * holding no more than its share, the maximum divided among the listers holding entries, gives
 * up none: one client listing junk cannot push out another's entries.
 */
export function overShareQuotas<K extends string | null>(counts: ReadonlyMap<K, number>, excess: number): Map<K, number> {
  const quotas = new Map<K, number>();
  if (excess <= 0) return quotas;
  const holders = [...counts].filter(([, n]) => n > 0).sort(([ka, a], [kb, b]) => b - a || (ka ?? '').localeCompare(kb ?? ''));
  if (holders.length === 0) return quotas;
  // Lower the first `lowered` holders step by step to the next one's count, until that frees `excess`.
  let level = holders[0][1];
  let freed = 0;
  let lowered = 1;
  for (;;) {
    const next = lowered < holders.length ? holders[lowered][1] : 0;
    if (freed + lowered * (level - next) >= excess) {
      const steps = Math.floor((excess - freed) / lowered);
      level -= steps;
      freed += lowered * steps;
      break;
    }
    freed += lowered * (level - next);
    level = next;
    lowered++;
  }
  let rest = excess - freed; // fewer than `lowered`
  for (const [lister, count] of holders.slice(0, lowered)) {
    const quota = count - level + (rest > 0 ? 1 : 0);
    rest--;
    if (quota > 0) quotas.set(lister, quota);
  }
  return quotas;
}
