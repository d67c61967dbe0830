/**
 * Huffman tables made for one picture (ITU-T T.81 Annex K.2, as libjpeg's `optimize_coding` and ffmpeg's MJPEG
 * encoder do). The typical tables of Annex K.3 give every one of 162 AC symbols a code and spend ~420 bytes of DHT
 * on each frame; at 160×120 a frame uses a third of those symbols, and codes fitted to its own counts are shorter.
 * Pure.
 */
import type { HuffmanSpec } from './jpeg-tables.js';

/** Longest code baseline JPEG allows. */
const MAX_CODE_LENGTH = 16;
/** Longest code the merging below can produce before lengths are folded down to 16 (257 symbols). */
const MAX_MERGED_LENGTH = 32;

/**
 * Builds the table that codes symbols 0–255 with `counts[symbol]` uses in the fewest bits, no code longer than 16 bits
 * and none all 1-bits (T.81 reserves it). Symbols that do not occur get no code. At least one symbol must occur.
 */
export function optimalHuffmanSpec(counts: ArrayLike<number>): HuffmanSpec {
  // Symbol 256 is a placeholder with the lowest count: it takes the all-ones code, which is removed at the end.
  const used: number[] = [];
  for (let s = 0; s < 256; s++) if ((counts[s] ?? 0) > 0) used.push(s);
  if (used.length === 0) throw new RangeError('a Huffman table needs at least one symbol that occurs');
  used.push(256);
  const weight = used.map((s) => (s === 256 ? 1 : counts[s]!));
  const length = new Array<number>(used.length).fill(0);
  // Each merged tree is a chain of its symbols (`next`), so every symbol in it gets one bit longer per merge.
  const next = new Array<number>(used.length).fill(-1);
  for (;;) {
    // The two lightest trees; on a tie the later one first, as T.81 Figure K.2 does (the placeholder merges first).
    let a = -1;
    let b = -1;
    for (let i = 0; i < used.length; i++) {
      const w = weight[i]!;
      if (w === 0) continue;
      if (a < 0 || w <= weight[a]!) {
        b = a;
        a = i;
      } else if (b < 0 || w <= weight[b]!) {
        b = i;
      }
    }
    if (b < 0) break;
    weight[a]! += weight[b]!;
    weight[b] = 0;
    let i = a;
    for (;;) {
      length[i]! += 1;
      if (next[i]! < 0) break;
      i = next[i]!;
    }
    next[i] = b;
    for (i = b; i >= 0; i = next[i]!) length[i]! += 1;
  }
  const perLength = new Array<number>(MAX_MERGED_LENGTH + 1).fill(0);
  for (const l of length) perLength[l]! += 1;
  // Fold codes longer than 16 bits (T.81 Figure K.3): two of the longest become one a bit shorter and lift a
  // shorter code by one bit to keep the prefix property.
  for (let l = MAX_MERGED_LENGTH; l > MAX_CODE_LENGTH; l--) {
    while (perLength[l]! > 0) {
      let j = l - 2;
      while (perLength[j] === 0) j--;
      perLength[l]! -= 2;
      perLength[l - 1]! += 1;
      perLength[j + 1]! += 2;
      perLength[j]! -= 1;
    }
  }
  // Drop the placeholder: it holds one of the longest codes, the all-ones one.
  let longest = MAX_CODE_LENGTH;
  while (perLength[longest] === 0) longest--;
  perLength[longest]! -= 1;
  // Symbols in order of their unfolded lengths, as T.81 K.2 lists them, the commoner first among equals (folding
  // can split a length between two code lengths); the folded counts then assign the lengths in this order.
  const order = used
    .map((symbol, i) => ({ symbol, length: length[i]!, count: symbol === 256 ? 0 : counts[symbol]! }))
    .filter((e) => e.symbol !== 256)
    .sort((x, y) => x.length - y.length || y.count - x.count || x.symbol - y.symbol);
  return { counts: perLength.slice(1, MAX_CODE_LENGTH + 1), symbols: order.map((e) => e.symbol) };
}
