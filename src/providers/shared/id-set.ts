// The ids a read has seen, in compact typed arrays: a hash table of ordinals with an exact second look.
//
// A million ids as a Set<string> cost ~60 MB of small objects and GC work; here each id costs its
// characters as bytes, 4 bytes of offset, 4 of hash (which places it and is the first check on a match)
// and one 4-byte slot of table at three quarters full or less: ~25 MB for a million 7-character ids. The
// hash is computed in the same pass that copies the characters, so an insert is one loop over the id and,
// mostly, one touch of the table and of the hash beside it. Every match is confirmed byte for byte.

const EMPTY = 0;
/** Ids presized for at most (a provider's total is not trusted with memory): 1M is ~25 MB. */
const MAX_PRESIZE = 1 << 20;

export class IdSet {
  /** ordinal + 1 of the id in each slot (0 = empty), at most three quarters full: linear probing with a
   *  mixed hash stays short there (~2.5 probes to find, ~8.5 to miss at the fullest, far fewer on average) */
  private table: Int32Array;
  private mask: number;
  /** the 32-bit hash of each ordinal: its slot, and the first check of a probe */
  private hashes: Int32Array;
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
    while (slots * 3 < n * 4 + 4) slots *= 2;
    this.table = new Int32Array(slots);
    this.mask = slots - 1;
    this.hashes = new Int32Array(n + 1);
    this.starts = new Int32Array(n + 2);
    this.bytes = new Uint8Array(n * 16);
  }

  /** Adds the id; false when it was already there. */
  add(id: string): boolean {
    const n = id.length;
    let end = this.starts[this.size] as number;
    if (end + n > this.bytes.length) this.growBytes(end + n);
    const bytes = this.bytes;
    // FNV-1a, mixed at the end
    let h = 0x811c9dc5 ^ n;
    for (let i = 0; i < n; i++) {
      const c = id.charCodeAt(i);
      if (c > 0xff) return this.addWide(id);
      bytes[end + i] = c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    h = mix(h);
    const table = this.table;
    const mask = this.mask;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const ordinal = table[slot] as number;
      if (ordinal === EMPTY) {
        table[slot] = this.size + 1;
        if (this.size >= this.hashes.length) this.hashes = grow(this.hashes, this.hashes.length * 2);
        this.hashes[this.size] = h;
        end += n;
        this.size++;
        if (this.size + 1 >= this.starts.length) this.starts = grow(this.starts, this.starts.length * 2);
        this.starts[this.size] = end;
        this.keepRoom();
        return true;
      }
      if (this.hashes[ordinal - 1] === h && this.equals(ordinal - 1, id)) return false;
    }
  }

  /** Whether the id is there (the rare path: a page's first entry when it may repeat the last one read). */
  has(id: string): boolean {
    return this.ordinalOf(id) >= 0;
  }

  /** Where the id was added among the ids (0 for the first), or -1 when it is not there. */
  ordinalOf(id: string): number {
    let h = 0x811c9dc5 ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c > 0xff) return this.wide?.get(id) ?? -1;
      h = Math.imul(h ^ c, 0x01000193);
    }
    h = mix(h);
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const ordinal = this.table[slot] as number;
      if (ordinal === EMPTY) return -1;
      if (this.hashes[ordinal - 1] === h && this.equals(ordinal - 1, id)) return ordinal - 1;
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
    // it takes the next ordinal, with no bytes; it is found through `wide`, never through the table
    this.wide.set(id, this.size);
    if (this.size >= this.hashes.length) this.hashes = grow(this.hashes, this.hashes.length * 2);
    // a hash of its own all the same: a rehash places every ordinal by its hash, and equal ones would pile up
    let h = 0x811c9dc5 ^ id.length;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    this.hashes[this.size] = mix(h);
    const end = this.starts[this.size] as number;
    this.size++;
    if (this.size + 1 >= this.starts.length) this.starts = grow(this.starts, this.starts.length * 2);
    this.starts[this.size] = end;
    this.keepRoom();
    return true;
  }

  /** Doubles the table until it is at most three quarters full (it always keeps empty slots to stop a probe). */
  private keepRoom(): void {
    while (this.size * 4 > this.mask * 3) this.rehash();
  }

  private growBytes(needed: number): void {
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.bytes.subarray(0, this.starts[this.size] as number));
    this.bytes = bigger;
  }

  private rehash(): void {
    const mask = this.mask * 2 + 1;
    const table = new Int32Array(mask + 1);
    // an id past Latin-1 gets a slot here too: it has no bytes, so no probe ever matches it there
    for (let ordinal = 1; ordinal <= this.size; ordinal++) {
      let slot = (this.hashes[ordinal - 1] as number) & mask;
      while (table[slot] !== EMPTY) slot = (slot + 1) & mask;
      table[slot] = ordinal;
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
