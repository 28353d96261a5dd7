// Deterministic pseudo-randomness addressed by (seed, salt, index): the same entry every time, in any order.

/** A 32-bit mix of its inputs (a murmur3-style finaliser). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A number in [0, 1) for these inputs. */
export function unit(...parts: number[]): number {
  return hash32(...parts) / 0x1_0000_0000;
}

/** An integer in [min, max] for these inputs. */
export function between(min: number, max: number, ...parts: number[]): number {
  return min + (hash32(...parts) % (max - min + 1));
}

export function saltOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A sequential generator for the fault injector's probabilities. */
export function sequence(seed: number): () => number {
  let i = 0;
  return () => unit(seed, 0xfa17, i++);
}
