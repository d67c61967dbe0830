import { describe, expect, it } from 'vitest';
import { optimalHuffmanSpec } from '../../../src/media/video/jpeg-huffman.js';
import type { HuffmanSpec } from '../../../src/media/video/jpeg-tables.js';

/** Code length of each symbol the table lists. */
function lengthsOf(spec: HuffmanSpec): Map<number, number> {
  const lengths = new Map<number, number>();
  let k = 0;
  spec.counts.forEach((n, i) => {
    for (let j = 0; j < n; j++) lengths.set(spec.symbols[k++]!, i + 1);
  });
  return lengths;
}

/** Kraft sum of the table's codes: exactly 1 for a complete code, below 1 when a code point is left over. */
function kraft(spec: HuffmanSpec): number {
  return spec.counts.reduce((sum, n, i) => sum + n * 2 ** -(i + 1), 0);
}

function countsOf(entries: Array<[number, number]>): Uint32Array {
  const counts = new Uint32Array(256);
  for (const [symbol, n] of entries) counts[symbol] = n;
  return counts;
}

describe('optimalHuffmanSpec', () => {
  it('gives the commonest symbols the shortest codes and lists only symbols that occur', () => {
    const spec = optimalHuffmanSpec(countsOf([[0x00, 100], [0x01, 50], [0x11, 20], [0xf0, 5]]));
    const lengths = lengthsOf(spec);
    expect([...lengths.keys()].sort((a, b) => a - b)).toEqual([0x00, 0x01, 0x11, 0xf0]);
    expect(lengths.get(0x00)).toBe(1);
    expect(lengths.get(0x01)).toBe(2);
    expect(lengths.get(0xf0)!).toBeGreaterThanOrEqual(lengths.get(0x11)!);
    expect(spec.counts).toHaveLength(16);
  });

  it('leaves the all-ones code unused (T.81 reserves it), even for a single symbol', () => {
    for (const counts of [countsOf([[7, 3]]), countsOf([[0, 9], [1, 9]]), countsOf(Array.from({ length: 256 }, (_, s) => [s, 1 + (s % 5)] as [number, number]))]) {
      const spec = optimalHuffmanSpec(counts);
      expect(kraft(spec)).toBeLessThan(1);
      expect(spec.symbols.length).toBe([...counts].filter((n) => n > 0).length);
    }
  });

  it('keeps every code within 16 bits when the counts would make longer ones (Fibonacci counts)', () => {
    const fib = [1, 1];
    while (fib.length < 40) fib.push(fib[fib.length - 1]! + fib[fib.length - 2]!);
    const spec = optimalHuffmanSpec(countsOf(fib.map((n, i) => [i, n])));
    const lengths = lengthsOf(spec);
    expect(Math.max(...lengths.values())).toBe(16);
    expect(lengths.size).toBe(40);
    expect(kraft(spec)).toBeLessThan(1);
    // Commoner symbols never get longer codes than rarer ones (the first two are equally common).
    for (let i = 2; i < 40; i++) expect(lengths.get(i)!).toBeLessThanOrEqual(lengths.get(i - 1)!);
  });

  it('codes the counts in fewer bits than the typical table of T.81 Annex K.3 does', () => {
    // DC categories of a smooth picture: mostly small differences.
    const counts = countsOf([[0, 300], [1, 200], [2, 120], [3, 60], [4, 20], [5, 6]]);
    const typicalLumaDcLengths = [2, 3, 3, 3, 3, 3];
    const lengths = lengthsOf(optimalHuffmanSpec(counts));
    const bits = (len: (s: number) => number) => [0, 1, 2, 3, 4, 5].reduce((sum, s) => sum + counts[s]! * len(s), 0);
    expect(bits((s) => lengths.get(s)!)).toBeLessThan(bits((s) => typicalLumaDcLengths[s]!));
  });

  it('refuses counts where nothing occurs', () => {
    expect(() => optimalHuffmanSpec(new Uint32Array(256))).toThrow(RangeError);
  });
});
