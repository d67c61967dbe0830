import { describe, expect, it } from 'vitest';
import { runNetFuzzRound } from '../helpers/net-fuzz.js';

/**
 * Seeded network faults between real Calls and a real server (test/helpers/net-fuzz.ts). Fixed seeds here;
 * NETFUZZ_SEEDS=FIRST-LAST runs a longer search (a failure prints its seed and faults, which replay it).
 */
const range = process.env.NETFUZZ_SEEDS?.split('-').map(Number);
const seeds = range ? Array.from({ length: range[1]! - range[0]! + 1 }, (_, i) => range[0]! + i) : [1, 2];

describe('network fault fuzz', () => {
  it(`calls survive random link faults and server restarts (seeds ${seeds[0]}…${seeds.at(-1)})`, async () => {
    // Rounds run side by side, as they are independent (own server, proxies and ports): the suite waits for the faults'
    // timers once, not once per seed.
    const reports = await Promise.all(
      seeds.map((seed) => runNetFuzzRound({ seed, clients: 3 + (seed % 2), episodes: Number(process.env.NETFUZZ_EPISODES ?? 4), restart: seed % 2 === 0 })),
    );
    const failures = reports.flatMap((report, i) => {
      if (process.env.NETFUZZ_VERBOSE) console.log(seeds[i], report.faults.join('; '));
      return report.violations.map((v) => `seed ${seeds[i]} [${report.faults.join('; ')}]: ${v}`);
    });
    expect(failures).toEqual([]);
  }, 600_000);
});
