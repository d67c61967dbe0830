/**
 * Soak run (not part of the test suite): N participants in rooms of 4 for M minutes against a server in its own
 * process, printing over time the server's memory and open file descriptors, this process's, and the media latency
 * and loss the participants see — so slow leaks, creeping latency or a growing fd count show as a trend.
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/soak.js --clients 40 --minutes 10
 *
 * Flags: --clients N (default 40), --minutes M (default 5), --interval S (seconds between lines, default 10),
 * --room-size K (default 4), --churn P (share of participants that leave and rejoin each interval, default 0.05).
 * Every participant sends 15 fps of 8 KB video and 50 fps of Opus-sized audio. All come from 127.0.0.1, so the
 * server's per-address admission limits (docs/protocol.md §5.3) are lifted for the run.
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Session } from '../src/client/session.js';
import { Codec, StreamKind } from '../src/protocol/index.js';
import { startServer } from '../src/server/server.js';

const argv = process.argv.slice(2);
const num = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};

if (argv[0] === '--server') {
  // Child role: the server, reporting its heap on request.
  const server = await startServer({
    host: '127.0.0.1', port: 0,
    maxConnectionsPerAddress: 100_000, connectionRatePerAddress: 100_000, connectionBurstPerAddress: 100_000,
  });
  process.send!({ type: 'port', port: server.port });
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'stats') process.send!({ type: 'stats', heapUsed: process.memoryUsage().heapUsed, connections: server.connectionCount });
    if (msg.type === 'close') void server.close().then(() => process.exit(0));
  });
} else {
  await soak();
}

interface Participant {
  name: string;
  room: string;
  session: Session | undefined;
  timers: NodeJS.Timeout[];
}

async function soak(): Promise<void> {
  const clients = num('--clients', 40);
  const minutes = num('--minutes', 5);
  const intervalS = num('--interval', 10);
  const roomSize = num('--room-size', 4);
  const churn = num('--churn', 0.05);

  const child = fork(fileURLToPath(import.meta.url), ['--server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const serverStats = (): Promise<{ heapUsed: number; connections: number }> =>
    new Promise((resolve) => {
      child.once('message', (m: { heapUsed: number; connections: number }) => resolve(m));
      child.send({ type: 'stats' });
    });

  const audioLatency: number[] = [];
  const videoLatency: number[] = [];
  let audioFrames = 0;
  let videoFrames = 0;
  let lostAudio = 0;
  let rejoins = 0;
  let failures = 0;
  const lastSeq = new Map<string, number>();
  const video = new Uint8Array(8000).fill(1);
  video.set([0xff, 0xd8]);
  const audio = new Uint8Array(80).fill(2);

  const join = async (p: Participant): Promise<void> => {
    const session = new Session({ target: { host: '127.0.0.1', port }, name: p.name, room: p.room, audioCodecs: ['opus', 'pcm'] });
    session.on((event) => {
      if (event.type === 'media') {
        const latency = event.receivedAt - event.frame.ts;
        if (event.frame.kind === StreamKind.AUDIO) {
          audioFrames++;
          if (audioLatency.length < 100_000) audioLatency.push(latency);
          const key = `${p.name}<${event.frame.sender}`;
          const prev = lastSeq.get(key);
          if (prev !== undefined && event.frame.seq > prev + 1) lostAudio += event.frame.seq - prev - 1;
          lastSeq.set(key, event.frame.seq);
        } else {
          videoFrames++;
          if (videoLatency.length < 100_000) videoLatency.push(latency);
        }
      }
      if (event.type === 'ended' && p.session === session) {
        failures += event.error.kind === 'left' ? 0 : 1;
        stop(p);
      }
    });
    p.session = session;
    await session.start();
    p.timers.push(
      setInterval(() => session.sendMedia(StreamKind.VIDEO, Codec.JPEG, video, Date.now()), 1000 / 15),
      setInterval(() => session.sendMedia(StreamKind.AUDIO, Codec.OPUS, audio, Date.now()), 20),
    );
  };
  const stop = (p: Participant): void => {
    for (const t of p.timers.splice(0)) clearInterval(t);
  };

  const participants: Participant[] = Array.from({ length: clients }, (_, i) => ({
    name: `soak${i}`, room: `room${Math.floor(i / roomSize)}`, session: undefined, timers: [],
  }));
  for (const p of participants) await join(p);

  const started = Date.now();
  const baseline = { server: rssOf(child.pid!), self: process.memoryUsage().rss };
  console.log(`soak: ${clients} participants in rooms of ${roomSize}, ${minutes} min, churn ${churn * 100}% per ${intervalS} s; server pid ${child.pid}`);
  console.log(['t(s)', 'srv rss MiB', 'srv heap MiB', 'srv fds', 'conns', 'self rss MiB', 'self fds', 'audio/s', 'video/s', 'audio lost',
    'audio p50/p95/p99 ms', 'video p50/p95 ms', 'rejoins', 'failures'].join(' | '));
  const deadline = started + minutes * 60_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, intervalS * 1000));
    const { heapUsed, connections } = await serverStats();
    const pct = (values: number[], p: number): string => {
      if (values.length === 0) return '-';
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!.toFixed(0);
    };
    console.log([
      ((Date.now() - started) / 1000).toFixed(0),
      (rssOf(child.pid!) / 2 ** 20).toFixed(1),
      (heapUsed / 2 ** 20).toFixed(1),
      fdsOf(child.pid!),
      connections,
      (process.memoryUsage().rss / 2 ** 20).toFixed(1),
      fdsOf(process.pid),
      (audioFrames / intervalS).toFixed(0),
      (videoFrames / intervalS).toFixed(0),
      lostAudio,
      `${pct(audioLatency, 0.5)}/${pct(audioLatency, 0.95)}/${pct(audioLatency, 0.99)}`,
      `${pct(videoLatency, 0.5)}/${pct(videoLatency, 0.95)}`,
      rejoins,
      failures,
    ].join(' | '));
    audioLatency.length = 0;
    videoLatency.length = 0;
    audioFrames = 0;
    videoFrames = 0;
    lostAudio = 0;
    // Churn: some leave and come back, so per-connection state that is not freed shows up as growth.
    for (const p of participants) {
      if (Math.random() >= churn) continue;
      stop(p);
      const old = p.session;
      p.session = undefined;
      await old?.leave();
      for (const key of [...lastSeq.keys()]) if (key.startsWith(`${p.name}<`)) lastSeq.delete(key);
      await join(p);
      rejoins++;
    }
  }
  const end = { server: rssOf(child.pid!), self: process.memoryUsage().rss };
  console.log(`soak: server rss ${(baseline.server / 2 ** 20).toFixed(1)} → ${(end.server / 2 ** 20).toFixed(1)} MiB, ` +
    `this process ${(baseline.self / 2 ** 20).toFixed(1)} → ${(end.self / 2 ** 20).toFixed(1)} MiB, ${rejoins} rejoins, ${failures} failures`);
  for (const p of participants) {
    stop(p);
    await p.session?.leave();
  }
  child.send({ type: 'close' });
  await new Promise((r) => child.once('exit', r));
}

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

function fdsOf(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}
