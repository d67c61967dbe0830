/**
 * Paired A/B of the server's CPU under one 4-person call's load (docs/performance.md, fourth round). On a shared VM
 * the same build's figure drifts by ±30 % within an hour, so two builds measured one after the other cannot be
 * compared; here their servers run at the same time on the same core (CPU 1), each with its own load generator
 * (CPU 0), so both see the same machine. Each round swaps which build starts first.
 *
 *   cp -r dist-bench dist-bench-a   # build A (e.g. main), then build B into dist-bench
 *   node dist-bench/bench/ab-server.js dist-bench-a dist-bench [--rounds 4] [--warmup 25000] [--measure 60000]
 *
 * Every directory must be a `tsc -p tsconfig.bench.json` output inside the checkout (it needs node_modules).
 */
import { resolve } from 'node:path';
import { CAN_PIN, startChild, type BenchChild } from './children.js';
import { LOAD } from './fanout-bench.js';
import type { LoadArgs } from './fanout-load.js';
import { CpuMeter, sleep } from './stats.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv.splice(i, 2)[1]) : fallback;
};
const rounds = flag('--rounds', 4);
const warmupMs = flag('--warmup', 25_000);
const measureMs = flag('--measure', 60_000);
const builds = argv;
if (builds.length < 2 || !CAN_PIN) {
  console.error(builds.length < 2 ? 'usage: ab-server.js DIST_A DIST_B [...] [--rounds N] [--warmup MS] [--measure MS]' : 'needs taskset and two cores');
  process.exit(2);
}

async function startPair(dist: string): Promise<{ server: BenchChild; load: BenchChild }> {
  const entry = resolve(dist, 'bench/child.js');
  const server = startChild('server', {}, 1, entry);
  const { port } = await server.next<{ port: number }>('ready', 15_000);
  const args: LoadArgs = {
    ...LOAD, roomSize: 4, protocol: 'livecomm', port, tls: false, clients: 4,
    // The generator keeps sending past the window; it is stopped, not waited for.
    warmupMs: warmupMs + measureMs + 10_000, measureMs: 1000,
  };
  return { server, load: startChild('loadgen', args, 0, entry) };
}

const results = new Map<string, number[]>(builds.map((b) => [b, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? builds : [...builds].reverse();
  const pairs = [];
  for (const dist of order) pairs.push({ dist, ...(await startPair(dist)) });
  try {
    await sleep(warmupMs);
    const meters = pairs.map((p) => new CpuMeter(p.server.pid));
    meters.forEach((m) => m.start());
    await sleep(measureMs);
    pairs.forEach((p, i) => {
      const cpu = meters[i]!.stop();
      results.get(p.dist)!.push(cpu);
      console.log(`round ${round + 1}  ${p.dist.padEnd(24)} ${cpu.toFixed(2)} % (kernel ${meters[i]!.systemPercent.toFixed(2)})`);
    });
  } finally {
    await Promise.all(pairs.flatMap((p) => [p.load.stop(), p.server.stop()]));
  }
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const base = mean(results.get(builds[0]!)!);
console.log('\n| build | mean server CPU % | vs first |\n|---|---:|---:|');
for (const [dist, xs] of results) console.log(`| ${dist} | ${mean(xs).toFixed(2)} | ${((mean(xs) / base - 1) * 100).toFixed(0)} % |`);
process.exit(0);
