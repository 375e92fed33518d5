/**
 * A 64-bit content hash (two independent 32-bit FNV-1a lanes, hex): the same text gives the same hash in the
 * browser, Node and on every cluster node, which is what screen shards need to prove they belong together.
 * Not cryptographic.
 */
export function hashText(text: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 + 2 * 0x9e37) >>> 0;
    h2 = (h2 ^ (h2 >>> 15)) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/** Hash of a structure's content (species, positions, cell; not its id or title), rounded to 1e-6 Å. */
export function structureHash(s: { numbers: ArrayLike<number>; positions: ArrayLike<number>; cell: ArrayLike<number>; pbc: readonly boolean[] }): string {
  const r = (x: number) => (Math.round(x * 1e6) / 1e6).toString();
  return hashText([Array.from(s.numbers).join(','), Array.from(s.positions, r).join(','), Array.from(s.cell, r).join(','), s.pbc.join(',')].join('|'));
}
