/**
 * SRI → expiry (epoch ms), for a list of a million entries and more. A Map of strings costs
 * about 100 bytes per entry on the V8 heap, which every major GC traces and which makes the heap
 * (and the resident size) grow in proportion under load. Here the SRIs' UTF-8 bytes live in one
 * arena and everything else in typed arrays, off the heap: about 60 bytes per entry for 32-byte
 * SRIs, nothing for the GC to trace. Open addressing with linear probing; a deleted entry stays
 * in the arena (probes skip it) until dead entries outnumber half the live ones, then the table
 * is rebuilt from the live ones.
 */
export class SriExpiryTable {
  private static readonly DEAD = 0xffff;

  private arena: Buffer;
  private used = 0;
  private offsets: Uint32Array;
  private lengths: Uint16Array;
  private hashes: Int32Array;
  private expires: Float64Array;
  /** Entry index + 1 for each slot; 0 is empty. Its length is a power of two, at least twice the entries. */
  private slots: Int32Array;
  private count = 0;
  private live = 0;
  private scratch = Buffer.allocUnsafe(1024);

  constructor(capacity = 1024) {
    const c = Math.max(16, capacity);
    this.arena = Buffer.allocUnsafe(c * 32);
    this.offsets = new Uint32Array(c);
    this.lengths = new Uint16Array(c);
    this.hashes = new Int32Array(c);
    this.expires = new Float64Array(c);
    this.slots = new Int32Array(slotCountFor(c));
  }

  get size(): number {
    return this.live;
  }

  /** Makes room for `n` entries in all, so a bulk load does not grow the arrays step by step. */
  reserve(n: number, bytesPerEntry = 32): void {
    if (n > this.offsets.length) this.resize(n);
    const bytes = this.used + (n - this.live) * bytesPerEntry;
    if (bytes > this.arena.length) this.growArena(bytes);
  }

  get(sri: string): number | undefined {
    const len = this.encode(sri);
    if (len < 0) return undefined;
    const e = this.find(len, hashOf(this.scratch, len));
    return e < 0 ? undefined : this.expires[e];
  }

  set(sri: string, expiresAt: number): void {
    const len = this.encode(sri);
    if (len < 0) throw new Error('SRI too long for the revocation index');
    const hash = hashOf(this.scratch, len);
    const e = this.find(len, hash);
    if (e >= 0) {
      this.expires[e] = expiresAt;
      return;
    }
    if (this.count === this.offsets.length) this.compactOrGrow();
    if (this.used + len > this.arena.length) this.growArena(this.used + len);
    const i = this.count++;
    this.scratch.copy(this.arena, this.used, 0, len);
    this.offsets[i] = this.used;
    this.lengths[i] = len;
    this.hashes[i] = hash;
    this.expires[i] = expiresAt;
    this.used += len;
    this.live++;
    this.place(i);
  }

  delete(sri: string): boolean {
    const len = this.encode(sri);
    if (len < 0) return false;
    const e = this.find(len, hashOf(this.scratch, len));
    if (e < 0) return false;
    this.kill(e);
    return true;
  }

  /** Deletes every entry whose expiry is at or before `now`; returns how many. */
  deleteExpired(now: number): number {
    let n = 0;
    for (let e = 0; e < this.count; e++) {
      if (this.lengths[e] !== SriExpiryTable.DEAD && this.expires[e] <= now) {
        this.kill(e);
        n++;
      }
    }
    if (this.count - this.live > this.live / 2) this.rebuild(this.offsets.length);
    return n;
  }

  private kill(e: number): void {
    // The slot keeps pointing at the entry, so probes for other keys still pass it.
    this.lengths[e] = SriExpiryTable.DEAD;
    this.live--;
  }

  /** UTF-8 of `sri` into the scratch buffer; -1 when longer than an entry may be. */
  private encode(sri: string): number {
    if (sri.length * 3 > this.scratch.length) {
      if (sri.length * 3 >= SriExpiryTable.DEAD) return -1;
      this.scratch = Buffer.allocUnsafe(sri.length * 3);
    }
    return this.scratch.write(sri, 0, 'utf8');
  }

  private find(len: number, hash: number): number {
    const mask = this.slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s];
      if (v === 0) return -1;
      const e = v - 1;
      if (this.hashes[e] === hash && this.lengths[e] === len && this.arena.compare(this.scratch, 0, len, this.offsets[e], this.offsets[e] + len) === 0) return e;
    }
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let s = this.hashes[e] & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = e + 1;
  }

  private compactOrGrow(): void {
    // Mostly dead entries: rebuilding at the same capacity is enough.
    this.rebuild(this.live * 2 < this.offsets.length ? this.offsets.length : this.offsets.length * 2);
  }

  private resize(capacity: number): void {
    this.rebuild(capacity);
  }

  private growArena(atLeast: number): void {
    const next = Buffer.allocUnsafe(Math.max(atLeast, this.arena.length * 2));
    this.arena.copy(next, 0, 0, this.used);
    this.arena = next;
  }

  /** Copies the live entries into arrays of `capacity` entries and places them again. */
  private rebuild(capacity: number): void {
    const c = Math.max(capacity, this.live, 16);
    let bytes = 0;
    for (let e = 0; e < this.count; e++) if (this.lengths[e] !== SriExpiryTable.DEAD) bytes += this.lengths[e];
    const arena = Buffer.allocUnsafe(Math.max(bytes * 2, this.arena.length, 1024));
    const offsets = new Uint32Array(c);
    const lengths = new Uint16Array(c);
    const hashes = new Int32Array(c);
    const expires = new Float64Array(c);
    let n = 0;
    let used = 0;
    for (let e = 0; e < this.count; e++) {
      const len = this.lengths[e];
      if (len === SriExpiryTable.DEAD) continue;
      this.arena.copy(arena, used, this.offsets[e], this.offsets[e] + len);
      offsets[n] = used;
      lengths[n] = len;
      hashes[n] = this.hashes[e];
      expires[n] = this.expires[e];
      used += len;
      n++;
    }
    this.arena = arena;
    this.used = used;
    this.offsets = offsets;
    this.lengths = lengths;
    this.hashes = hashes;
    this.expires = expires;
    this.count = n;
    this.live = n;
    this.slots = new Int32Array(slotCountFor(c));
    for (let e = 0; e < n; e++) this.place(e);
  }
}

function slotCountFor(capacity: number): number {
  let s = 16;
  while (s < capacity * 2) s *= 2;
  return s;
}

/** FNV-1a over the bytes, then a final mix so that linear probing sees spread-out low bits. */
function hashOf(buf: Buffer, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}
