// The ids a read has seen, in compact typed arrays: a 64-bit hash table with an exact second look on a hash match.
//
// A million ids as a Set<string> cost ~60 MB of small objects and GC work; here each id costs 12 bytes of
// table (two 32-bit hash lanes and its ordinal), 4 bytes of offset and its characters as bytes. The hash is
// computed in the same pass that copies the characters, so an insert is one loop over the id.

const EMPTY = 0;

export class IdSet {
  /** slots of three: hash lane a, hash lane b, ordinal + 1 (0 = empty) */
  private table: Int32Array = new Int32Array(3 * 1024);
  private mask = 1023;
  /** where each id's bytes start in `bytes`; starts[n] is the end of the last */
  private starts: Int32Array = new Int32Array(1025);
  private bytes: Uint8Array = new Uint8Array(16 * 1024);
  /** ids with a character past U+00FF (never seen from the seeded providers): kept as strings */
  private wide: Set<string> | undefined;
  size = 0;

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
    for (let slot = (a ^ b) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * 3;
      const ordinal = table[at + 2] as number;
      if (ordinal === EMPTY) {
        table[at] = a;
        table[at + 1] = b;
        table[at + 2] = this.size + 1;
        end += n;
        this.size++;
        if (this.size + 1 >= this.starts.length) this.starts = grow(this.starts, this.starts.length * 2);
        this.starts[this.size] = end;
        if (this.size * 2 > mask) this.rehash();
        return true;
      }
      if (table[at] === a && table[at + 1] === b && this.equals(ordinal - 1, id)) return false;
    }
  }

  /** Whether the id is there (the rare path: a page's first entry when it may repeat the last one read). */
  has(id: string): boolean {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c > 0xff) return this.wide?.has(id) ?? false;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    a = mix(a);
    b = mix(b ^ (a >>> 7));
    for (let slot = (a ^ b) & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slot * 3;
      const ordinal = this.table[at + 2] as number;
      if (ordinal === EMPTY) return false;
      if (this.table[at] === a && this.table[at + 1] === b && this.equals(ordinal - 1, id)) return true;
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
    this.wide ??= new Set();
    if (this.wide.has(id)) return false;
    this.wide.add(id);
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
    const table = new Int32Array(3 * (mask + 1));
    for (let at = 0; at < old.length; at += 3) {
      if (old[at + 2] === EMPTY) continue;
      const a = old[at] as number;
      const b = old[at + 1] as number;
      let slot = (a ^ b) & mask;
      while (table[slot * 3 + 2] !== EMPTY) slot = (slot + 1) & mask;
      table[slot * 3] = a;
      table[slot * 3 + 1] = b;
      table[slot * 3 + 2] = old[at + 2] as number;
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
