/**
 * A whole call on loopback, per participant count: the real server (child process) + one measured participant
 * (child process: capture → send, receive → decode → render to a null terminal, audio → jitter buffer → playout)
 * + the other participants in a third process. See call-participant.ts for what is measured.
 *
 * With taskset, the server runs on CPU 1 and the participants on CPU 0, as a server would have a core of its own:
 * its CPU figure is then its own work, not its share of a core five busy media processes crowd.
 */
import { startChild } from './children.js';
import type { ParticipantReport } from './call-participant.js';
import { CpuMeter, procRssBytes, sleep } from './stats.js';

export interface CallBenchOptions {
  participants: number;
  warmupMs: number;
  measureMs: number;
  cols?: number;
  rows?: number;
  /** A conversation: one participant talks at a time, in turns of this many ms (voice activity sends only the talker's audio). */
  turnMs?: number;
}

export interface CallBenchResult {
  participants: number;
  turnMs: number | undefined;
  measured: ParticipantReport;
  serverCpuPercent: number;
  serverRssBytes: number;
  sendersCpuPercent: number;
}

const SERVER_CPU = 1;
const PARTICIPANTS_CPU = 0;

export async function runCallBench(o: CallBenchOptions): Promise<CallBenchResult> {
  const server = startChild('server', {}, SERVER_CPU);
  const children = [server];
  try {
    const { port } = await server.next<{ port: number }>('ready', 10_000);
    const room = `bench${o.participants}`;
    const turns = o.turnMs ? { turnMs: o.turnMs } : {};
    const me = startChild('participant', { port, room, name: 'measured', cols: o.cols ?? 160, rows: o.rows ?? 48, mode: 'truecolor', participants: o.participants, ...turns }, PARTICIPANTS_CPU);
    children.push(me);
    await me.next('joined', 15_000);
    const names = Array.from({ length: o.participants - 1 }, (_, i) => `guest${i + 1}`);
    const senders = startChild('senders', { port, room, names, ...turns }, PARTICIPANTS_CPU);
    children.push(senders);
    await senders.next('joined', 15_000);
    await sleep(o.warmupMs);
    const serverCpu = new CpuMeter(server.pid);
    serverCpu.start();
    me.send({ type: 'measure-start' });
    senders.send({ type: 'measure-start' });
    await sleep(o.measureMs);
    me.send({ type: 'measure-stop' });
    senders.send({ type: 'measure-stop' });
    const serverCpuPercent = serverCpu.stop();
    const [{ report }, { cpuPercent: sendersCpuPercent }] = await Promise.all([
      me.next<{ report: ParticipantReport }>('report', 10_000),
      senders.next<{ cpuPercent: number }>('report', 10_000),
    ]);
    return { participants: o.participants, turnMs: o.turnMs, measured: report, serverCpuPercent, serverRssBytes: procRssBytes(server.pid) ?? NaN, sendersCpuPercent };
  } finally {
    await Promise.all(children.reverse().map((c) => c.stop()));
  }
}
