// How a key may appear anywhere tally prints: never whole, at most its last four characters.

export function redactKey(key: string): string {
  // A short key would be mostly revealed by its last four characters, so it shows none.
  return key.length >= 12 ? `****${key.slice(-4)}` : '****';
}
