import { describe, expect, it } from 'vitest';
import { runRound } from '../helpers/room-fuzz.js';

/**
 * Model-based random rounds against the real server over loopback (test/helpers/room-fuzz.ts). Fixed seeds here;
 * ROOMFUZZ_SEEDS=FIRST-LAST runs a longer search (each failure prints its seed, which replays it).
 */
const range = process.env.ROOMFUZZ_SEEDS?.split('-').map(Number);
const seeds = range ? Array.from({ length: range[1]! - range[0]! + 1 }, (_, i) => range[0]! + i) : [1, 2, 3, 4];

describe('room fuzz: random clients against one server', () => {
  it(`every honest view converges to the model (seeds ${seeds[0]}…${seeds.at(-1)})`, async () => {
    const failures: string[] = [];
    for (const seed of seeds) {
      const clients = 3 + (seed * 7) % 10;
      const result = await runRound({ seed, clients, durationMs: Number(process.env.ROOMFUZZ_MS ?? 1500), ...(seed % 3 === 0 ? { password: 'sesame' } : {}) });
      if (process.env.ROOMFUZZ_VERBOSE) console.log(seed, clients, JSON.stringify(result.stats), result.violations.join("\n"));
      for (const v of result.violations) failures.push(`seed ${seed} (${clients} clients): ${v}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
