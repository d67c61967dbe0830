/**
 * Paired A/B of the server's CPU under one 4-person call's load (docs/performance.md, fourth round). On a shared VM
 * the same build's figure drifts by ±30 % within an hour, so two builds measured one after the other cannot be
 * compared; here their servers run at the same time on the same core (CPU 1), each with its own load generator
 * (CPU 0), so both see the same machine. Each round swaps which build starts first.
 *
 *   cp -r dist-bench dist-bench-a   # build A (e.g. main), then build B into dist-bench
 *   node dist-bench/bench/ab-server.js dist-bench-a dist-bench [--rounds 4] [--warmup 25000] [--measure 60000]
 *
 * Every directory must be a `tsc -p tsconfig.bench.json` output inside the checkout (it needs node_modules). Instead
 * of a directory, `floor:stream` or `floor:onread` runs the cheapest relay Node can be (bench/floor-relay.ts), and
 * `mosquitto` the C broker under the same message load: how far the server is above Node's floor and a C relay's.
 */
import { resolve } from 'node:path';
import { takeNumberFlag } from './args.js';
import { CAN_PIN, startChild, type BenchChild } from './children.js';
import { LOAD, hasMosquitto, startMosquitto, type RunningTarget } from './fanout-bench.js';
import type { LoadArgs } from './fanout-load.js';
import { CpuMeter, sleep } from './stats.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => takeNumberFlag(argv, name, fallback);
const rounds = flag('--rounds', 4);
const warmupMs = flag('--warmup', 25_000);
const measureMs = flag('--measure', 60_000);
const builds = argv;
const problem =
  builds.length < 2 ? 'usage: ab-server.js BUILD BUILD [...] [--rounds N] [--warmup MS] [--measure MS]; a BUILD is a dist directory, floor:stream, floor:onread or mosquitto'
  : !CAN_PIN ? 'needs taskset and two cores'
  : builds.includes('mosquitto') && !hasMosquitto() ? 'mosquitto is not installed (scripts/install-system-deps.sh)'
  : undefined;
if (problem) {
  console.error(problem);
  process.exit(2);
}

/** One server under test on CPU 1 and its own load generator on CPU 0. */
async function startPair(build: string): Promise<{ server: RunningTarget; load: BenchChild }> {
  const floor = /^floor:(stream|onread)$/.exec(build)?.[1];
  const entry = floor || build === 'mosquitto' ? undefined : resolve(build, 'bench/child.js');
  let server: RunningTarget;
  if (build === 'mosquitto') server = await startMosquitto();
  else {
    const child = floor ? startChild('floor', { mode: floor }, 1) : startChild('server', {}, 1, entry);
    const { port } = await child.next<{ port: number }>('ready', 15_000);
    server = { pid: child.pid, port, stop: () => child.stop() };
  }
  const args: LoadArgs = {
    ...LOAD, roomSize: 4, protocol: build === 'mosquitto' ? 'mqtt' : 'livecomm', port: server.port, tls: false, clients: 4,
    // The generator keeps sending past the window; it is stopped, not waited for.
    warmupMs: warmupMs + measureMs + 10_000, measureMs: 1000,
  };
  return { server, load: startChild('loadgen', args, 0, entry) };
}

const results = new Map<string, number[]>(builds.map((b) => [b, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? builds : [...builds].reverse();
  const pairs = [];
  for (const build of order) pairs.push({ build, ...(await startPair(build)) });
  try {
    await sleep(warmupMs);
    const meters = pairs.map((p) => new CpuMeter(p.server.pid));
    meters.forEach((m) => m.start());
    await sleep(measureMs);
    pairs.forEach((p, i) => {
      const cpu = meters[i]!.stop();
      results.get(p.build)!.push(cpu);
      console.log(`round ${round + 1}  ${p.build.padEnd(24)} ${cpu.toFixed(2)} % (kernel ${meters[i]!.systemPercent.toFixed(2)})`);
    });
  } finally {
    await Promise.all(pairs.flatMap((p) => [p.load.stop(), p.server.stop()]));
  }
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const base = mean(results.get(builds[0]!)!);
console.log('\n| build | mean server CPU % | vs first |\n|---|---:|---:|');
for (const [build, xs] of results) console.log(`| ${build} | ${mean(xs).toFixed(2)} | ${((mean(xs) / base - 1) * 100).toFixed(0)} % |`);
process.exit(0);
