/**
 * Paired A/B of the server's CPU in real 4-person calls (docs/performance.md, sixth round): one call per build, all at
 * once — every server on CPU 1, every build's participants on CPU 0 — so the builds see the same machine (single runs
 * drift by ±30 % within an hour here). Each round swaps which build starts first. Unlike ab-server.ts (a load
 * generator), these are the call bench's real participants: Opus, JPEG, ACK flow control, voice activity.
 *
 *   cp -r dist-bench dist-bench-a   # build A (e.g. main), then build B into dist-bench
 *   node dist-bench/bench/ab-call.js dist-bench-a dist-bench [--rounds 3] [--warmup 12000] [--measure 24000] [--turns 3000]
 *
 * `--turns MS`: the participants take turns to talk (bench/conversation-source.ts) instead of all talking at once.
 * A pair of identical builds differs by up to ~6 % over 3 rounds: smaller differences are not findings.
 */
import { resolve } from 'node:path';
import { takeNumberFlag } from './args.js';
import type { ParticipantReport } from './call-participant.js';
import { CAN_PIN, startChild, type BenchChild } from './children.js';
import { CpuMeter, sleep } from './stats.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number): number => takeNumberFlag(argv, name, fallback);
const rounds = flag('--rounds', 3);
const warmupMs = flag('--warmup', 12_000);
const measureMs = flag('--measure', 24_000);
const turnMs = flag('--turns', 0);
const builds = argv;
if (builds.length < 2 || !CAN_PIN) {
  console.error(builds.length < 2 ? 'usage: ab-call.js BUILD BUILD [...] [--rounds N] [--warmup MS] [--measure MS] [--turns MS]' : 'needs taskset and two cores');
  process.exit(2);
}

interface RunningCall {
  build: string;
  server: BenchChild;
  measured: BenchChild;
  others: BenchChild;
}

/** A 4-person call of one build: its server, the measured participant and three others, as call-bench.ts runs them. */
async function startCall(build: string): Promise<RunningCall> {
  const entry = resolve(build, 'bench/child.js');
  const turns = turnMs > 0 ? { turnMs } : {};
  const server = startChild('server', {}, 1, entry);
  const { port } = await server.next<{ port: number }>('ready', 10_000);
  const measured = startChild('participant', { port, room: 'ab', name: 'measured', cols: 160, rows: 48, mode: 'truecolor', participants: 4, ...turns }, 0, entry);
  await measured.next('joined', 15_000);
  const others = startChild('senders', { port, room: 'ab', names: ['guest1', 'guest2', 'guest3'], ...turns }, 0, entry);
  await others.next('joined', 15_000);
  return { build, server, measured, others };
}

const results = new Map<string, number[]>(builds.map((b) => [b, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? builds : [...builds].reverse();
  const calls: RunningCall[] = [];
  try {
    for (const build of order) calls.push(await startCall(build));
    await sleep(warmupMs);
    const meters = calls.map((c) => new CpuMeter(c.server.pid));
    meters.forEach((m) => m.start());
    for (const c of calls) c.measured.send({ type: 'measure-start' });
    await sleep(measureMs);
    for (const c of calls) c.measured.send({ type: 'measure-stop' });
    const cpus = meters.map((m) => m.stop());
    for (const [i, c] of calls.entries()) {
      const { report } = await c.measured.next<{ report: ParticipantReport }>('report', 10_000);
      results.get(c.build)!.push(cpus[i]!);
      console.log(
        `round ${round + 1}  ${c.build.padEnd(24)} server ${cpus[i]!.toFixed(2)} % (kernel ${meters[i]!.systemPercent.toFixed(2)})  ` +
          `video p50/p99 ${report.video.p50.toFixed(1)}/${report.video.p99.toFixed(1)} ms  audio p50/p99 ${report.audio.p50.toFixed(1)}/${report.audio.p99.toFixed(1)} ms`,
      );
    }
  } finally {
    await Promise.all(calls.flatMap((c) => [c.others.stop(), c.measured.stop(), c.server.stop()]));
  }
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const base = mean(results.get(builds[0]!)!);
console.log('\n| build | mean server CPU % | vs first |\n|---|---:|---:|');
for (const [build, xs] of results) console.log(`| ${build} | ${mean(xs).toFixed(2)} | ${((mean(xs) / base - 1) * 100).toFixed(0)} % |`);
