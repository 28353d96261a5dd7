// The ids a read has seen, in compact typed arrays: a 64-bit hash table with an exact second look on a hash match.
//
// A million ids as a Set<string> cost ~60 MB of small objects and GC work; here each id costs 8 bytes of
// table (one 32-bit hash lane and its ordinal, twice over at the load kept), 4 bytes for the second lane, 4
// of offset and its characters as bytes. The hash is computed in the same pass that copies the characters,
// so an insert is one loop over the id and, mostly, one touch of the table.

const EMPTY = 0;
/** Ids presized for at most (a provider's total is not trusted with memory): 1M is ~40 MB. */
const MAX_PRESIZE = 1 << 20;

export class IdSet {
  /** slots of two: hash lane a, ordinal + 1 (0 = empty), at most half full */
  private table: Int32Array;
  private mask: number;
  /** hash lane b of each ordinal: read only when lane a matches */
  private laneB: Int32Array;
  /** where each id's bytes start in `bytes`; starts[n] is the end of the last */
  private starts: Int32Array;
  private bytes: Uint8Array;
  /** ids with a character past U+00FF (never seen from the seeded providers): kept as strings, with their ordinal */
  private wide: Map<string, number> | undefined;
  size = 0;

  /** `expected`: how many ids the read expects (a listing's total), so the arrays need not grow; capped. */
  constructor(expected = 0) {
    const n = Math.min(Math.max(expected, 512), MAX_PRESIZE);
    let slots = 1024;
    while (slots < n * 2 + 2) slots *= 2;
    this.table = new Int32Array(2 * slots);
    this.mask = slots - 1;
    this.laneB = new Int32Array(n + 1);
    this.starts = new Int32Array(n + 2);
    this.bytes = new Uint8Array(n * 16);
  }

  /** Adds the id; false when it was already there. */
  add(id: string): boolean {
    const n = id.length;
    let end = this.starts[this.size] as number;
    if (end + n > this.bytes.length) this.growBytes(end + n);
    const bytes = this.bytes;
    // two FNV-1a lanes with different offsets and primes, mixed at the end: 64 bits of hash
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ n;
    for (let i = 0; i < n; i++) {
      const c = id.charCodeAt(i);
      if (c > 0xff) return this.addWide(id);
      bytes[end + i] = c;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    a = mix(a);
    b = mix(b ^ (a >>> 7));
    const table = this.table;
    const mask = this.mask;
    for (let slot = b & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 2;
      const ordinal = table[at + 1] as number;
      if (ordinal === EMPTY) {
        table[at] = a;
        table[at + 1] = this.size + 1;
        if (this.size >= this.laneB.length) this.laneB = grow(this.laneB, this.laneB.length * 2);
        this.laneB[this.size] = b;
        end += n;
        this.size++;
        if (this.size + 1 >= this.starts.length) this.starts = grow(this.starts, this.starts.length * 2);
        this.starts[this.size] = end;
        if (this.size * 2 > mask) this.rehash();
        return true;
      }
      if (table[at] === a && this.laneB[ordinal - 1] === b && this.equals(ordinal - 1, id)) return false;
    }
  }

  /** Whether the id is there (the rare path: a page's first entry when it may repeat the last one read). */
  has(id: string): boolean {
    return this.ordinalOf(id) >= 0;
  }

  /** Where the id was added among the ids (0 for the first), or -1 when it is not there. */
  ordinalOf(id: string): number {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c > 0xff) return this.wide?.get(id) ?? -1;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    a = mix(a);
    b = mix(b ^ (a >>> 7));
    for (let slot = b & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slot * 2;
      const ordinal = this.table[at + 1] as number;
      if (ordinal === EMPTY) return -1;
      if (this.table[at] === a && this.laneB[ordinal - 1] === b && this.equals(ordinal - 1, id)) return ordinal - 1;
    }
  }

  /** The exact second look: the stored bytes of ordinal `k` against the id. */
  private equals(k: number, id: string): boolean {
    const start = this.starts[k] as number;
    if ((this.starts[k + 1] as number) - start !== id.length) return false;
    for (let i = 0; i < id.length; i++) if (this.bytes[start + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private addWide(id: string): boolean {
    this.wide ??= new Map();
    if (this.wide.has(id)) return false;
    // it takes the next ordinal, with no bytes and no slot in the table
    this.wide.set(id, this.size);
    if (this.size >= this.laneB.length) this.laneB = grow(this.laneB, this.laneB.length * 2);
    const end = this.starts[this.size] as number;
    this.size++;
    if (this.size + 1 >= this.starts.length) this.starts = grow(this.starts, this.starts.length * 2);
    this.starts[this.size] = end;
    return true;
  }

  private growBytes(needed: number): void {
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.bytes.subarray(0, this.starts[this.size] as number));
    this.bytes = bigger;
  }

  private rehash(): void {
    const old = this.table;
    const mask = this.mask * 2 + 1;
    const table = new Int32Array(2 * (mask + 1));
    for (let at = 0; at < old.length; at += 2) {
      const ordinal = old[at + 1] as number;
      if (ordinal === EMPTY) continue;
      let slot = (this.laneB[ordinal - 1] as number) & mask;
      while (table[slot * 2 + 1] !== EMPTY) slot = (slot + 1) & mask;
      table[slot * 2] = old[at] as number;
      table[slot * 2 + 1] = ordinal;
    }
    this.table = table;
    this.mask = mask;
  }
}

/** murmur3's finaliser: every input bit reaches every output bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function grow(array: Int32Array, size: number): Int32Array {
  const bigger = new Int32Array(size);
  bigger.set(array);
  return bigger;
}
