/**
 * Child-process roles for the call benchmark (bench/call-bench.ts):
 *
 * - `participant`: ONE full participant measured end to end, as the TUI runs it minus blessed's chrome: a real Call
 *   (camera-like video, bench/camera-clip-source.ts: the fixture clip's JPEG frames re-encoded for 240 kbit/s at 15 fps; Opus tone audio through noise suppression as a microphone's, or with `turnMs` a
 *   tone in its turn and a quiet room between: bench/conversation-source.ts), every remote frame JPEG-decoded (IncomingMedia) and drawn
 *   through the real VideoLayer → createPaneRenderer path into a counting null terminal laid out like the call
 *   screen on a 160×48 terminal (tui/layout.ts grid, 1-cell borders, self view included and mirrored), and remote
 *   audio through AudioPlayout (jitter buffers + mixer) ticked every 20 ms by the real pacer.
 *   Measures capture → bytes written to the terminal per remote video frame, capture → handed to playout per audio
 *   frame, jitter-buffer delay, its own CPU, terminal bytes and socket bytes.
 * - `senders`: the other participants, each a real Call with the same sources, in one process; they send honestly
 *   (camera clip decoded and re-encoded + Opus) but only count the video they receive (decodeVideo: false), so the machine's two
 *   cores are left to the measured participant and the server.
 */
import net from 'node:net';
import { Call } from '../src/client/call.js';
import { AudioPlayout } from '../src/media/audio/playout.js';
import { NoiseSuppressor, suppressNoise } from '../src/media/audio/noise-suppressor.js';
import { createToneSource } from '../src/media/audio/tone.js';
import { FRAME_MS } from '../src/media/audio/format.js';
import { rgbaForFrame } from '../src/media/video/frames.js';
import type { ColorMode } from '../src/media/video/color.js';
import { gridRects, screenLayout } from '../src/tui/layout.js';
import { VideoLayer, type TerminalOutput, type VideoPane } from '../src/tui/video-layer.js';
import { SYSTEM_CLOCK } from '../src/util/clock.js';
import { startPacer } from '../src/util/pacer.js';
import { createCameraClipSource, loadCameraClip } from './camera-clip-source.js';
import { createConversationSource } from './conversation-source.js';
import { LatencyHistogram, selfCpuMicros, type LatencySummary } from './stats.js';

export interface ParticipantArgs {
  port: number;
  room: string;
  name: string;
  cols: number;
  rows: number;
  mode: ColorMode;
  /** A conversation: participants talk one at a time, in turns of this length (ms); absent, everyone talks at once. */
  turnMs?: number;
  participants?: number;
}

export interface ParticipantReport {
  windowMs: number;
  video: LatencySummary;
  audio: LatencySummary;
  /** Remote video frames drawn per second (all remote panes together). */
  videoFps: number;
  /** Mean and max jitter-buffer delay (audio held) over all remotes and ticks, and the mean target delay. */
  jitterDelayMeanMs: number;
  jitterDelayMaxMs: number;
  jitterTargetMeanMs: number;
  concealedPerSec: number;
  cpuPercent: number;
  rssBytes: number;
  terminalBytesPerSec: number;
  terminalWritesPerSec: number;
  uplinkBytesPerSec: number;
  downlinkBytesPerSec: number;
  /** Bytes the call's own stats say it wrote (whole frames, before TCP), per second: beside the wire count. */
  uplinkReportedBytesPerSec: number;
  remotes: number;
}

/** Keeps every socket the client opens, to read its byte counters (the Session keeps its transport private). */
function trackSockets(): net.Socket[] {
  const sockets: net.Socket[] = [];
  const original = net.connect;
  (net as { connect: typeof net.connect }).connect = ((...args: Parameters<typeof net.connect>) => {
    const socket = (original as (...a: unknown[]) => net.Socket)(...args);
    sockets.push(socket);
    return socket;
  }) as typeof net.connect;
  return sockets;
}

/** Runs the measured participant until told to stop; talks to the parent over IPC. */
export async function runParticipant(args: ParticipantArgs): Promise<void> {
  const sockets = trackSockets();
  const clock = SYSTEM_CLOCK;
  // The null terminal: counts what the video layer writes and when; it never backs up (writableLength 0).
  let termBytes = 0;
  let termWrites = 0;
  let lastWriteAt = 0;
  const output: TerminalOutput = {
    write(bytes) {
      termBytes += bytes.length;
      termWrites += 1;
      lastWriteAt = clock.wallMs();
      return true;
    },
    writableLength: 0,
  };
  const layer = new VideoLayer(output, { mode: args.mode });
  const remoteIds: number[] = [];
  const relayout = (): void => {
    const keys = ['self', ...remoteIds.map((id) => `p${id}`)];
    const grid = screenLayout(args.cols, args.rows).grid;
    const rects = gridRects(keys.length, grid);
    const panes: VideoPane[] = keys.map((key, i) => {
      const r = rects[i]!;
      // The pane's picture area inside its border, as PaneView.update returns it.
      return { key, area: { x: r.x + 1, y: r.y + 1, cols: Math.max(0, r.width - 2), rows: Math.max(0, r.height - 2) }, mirror: key === 'self' };
    });
    layer.setPanes(panes);
    layer.invalidateAll();
  };

  let videoHist = new LatencyHistogram();
  let audioHist = new LatencyHistogram();
  let videoFrames = 0;
  let concealed = 0;
  let jitterSum = 0;
  let jitterMax = 0;
  let targetSum = 0;
  let jitterSamples = 0;
  // Capture time of the newest remote frame submitted to each pane and not yet drawn.
  const pendingTs = new Map<string, number>();
  let flushScheduled = false;
  const scheduleFlush = (): void => {
    if (flushScheduled) return;
    flushScheduled = true;
    // As CallScreen.scheduleFlush: one flush per turn of the event loop, after the socket's batch is handled.
    setImmediate(() => {
      flushScheduled = false;
      const before = termWrites;
      const drawn = [...pendingTs];
      pendingTs.clear();
      layer.flush();
      const at = termWrites > before ? lastWriteAt : clock.wallMs();
      for (const [, ts] of drawn) {
        videoHist.add(at - ts);
        videoFrames += 1;
      }
    });
  };

  // Audio: decoded frames go into AudioPlayout; the mixer sees exactly what a tick hands to playout, so wrapping its
  // mix() (an observation hook, not a change of behaviour) gives capture → playout per frame.
  const captureOf = new WeakMap<Int16Array, number>();
  const playout = new AudioPlayout({ now: () => performance.now() });
  const mix = playout.mixer.mix.bind(playout.mixer);
  playout.mixer.mix = (frames) => {
    const now = clock.wallMs();
    for (const [, pcm] of frames) {
      const ts = captureOf.get(pcm);
      if (ts === undefined) concealed += 1;
      else audioHist.add(now - ts);
    }
    return mix(frames);
  };
  const pacer = startPacer(FRAME_MS, () => {
    playout.tick();
    for (const id of remoteIds) {
      const j = playout.state(String(id))?.jitter;
      if (!j) continue;
      jitterSum += j.delayMs;
      targetSum += j.targetDelayMs;
      jitterMax = Math.max(jitterMax, j.delayMs);
      jitterSamples += 1;
    }
  });

  const video = createCameraClipSource(loadCameraClip(), 0);
  const call = new Call({
    session: { target: { host: '127.0.0.1', port: args.port }, name: args.name, room: args.room, audioCodecs: ['opus', 'pcm'] },
    video,
    // Through noise suppression, as a microphone goes by default (src/cli/participant.ts): its CPU is the client's.
    audio: suppressNoise(
      args.turnMs ? createConversationSource(440, { turn: 0, of: args.participants ?? 1, turnMs: args.turnMs }) : createToneSource(440),
      await NoiseSuppressor.create(),
    ),
    decodeVideo: true,
    onRemoteAudio: (id, seq, pcm, timing) => {
      captureOf.set(pcm, timing.captureTs);
      playout.push(String(id), seq, pcm, timing);
    },
    statsIntervalMs: 1000,
  });
  let bytesSentReported = 0;
  call.on((event) => {
    switch (event.type) {
      case 'joined':
        remoteIds.length = 0;
        for (const p of event.welcome.participants) if (p.id !== event.welcome.id) remoteIds.push(p.id);
        relayout();
        process.send?.({ type: 'joined', id: event.welcome.id });
        return;
      case 'participant-joined':
        remoteIds.push(event.participant.id);
        relayout();
        return;
      case 'participant-left':
        remoteIds.splice(remoteIds.indexOf(event.id), 1);
        playout.remove(String(event.id));
        relayout();
        return;
      case 'video':
        layer.submit(`p${event.id}`, event.image);
        pendingTs.set(`p${event.id}`, event.captureTs);
        scheduleFlush();
        return;
      case 'self-video':
        layer.submit('self', rgbaForFrame(event.frame));
        scheduleFlush();
        return;
      case 'stats':
        bytesSentReported += (event.stats.uplinkKbps * 1000) / 8; // what the call says it wrote (frames whole, headers included): kbit/s over a 1 s window → bytes
        return;
      case 'ended':
        process.send?.({ type: 'ended', message: event.error.message });
        return;
      default:
        return;
    }
  });
  call.start();

  let t0 = 0;
  let cpu0 = 0;
  let term0 = 0;
  let writes0 = 0;
  let up0 = 0;
  let down0 = 0;
  let reported0 = 0;
  const socketBytes = (): { up: number; down: number } => {
    let up = 0;
    let down = 0;
    for (const s of sockets) {
      up += s.bytesWritten;
      down += s.bytesRead;
    }
    return { up, down };
  };
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'measure-start') {
      videoHist = new LatencyHistogram();
      audioHist = new LatencyHistogram();
      videoFrames = concealed = jitterSum = jitterMax = targetSum = jitterSamples = 0;
      t0 = performance.now();
      cpu0 = selfCpuMicros();
      term0 = termBytes;
      writes0 = termWrites;
      ({ up: up0, down: down0 } = socketBytes());
      reported0 = bytesSentReported;
    } else if (msg.type === 'measure-stop') {
      const windowMs = performance.now() - t0;
      const secs = windowMs / 1000;
      const { up, down } = socketBytes();
      const report: ParticipantReport = {
        windowMs,
        video: videoHist.summary(),
        audio: audioHist.summary(),
        videoFps: videoFrames / secs,
        jitterDelayMeanMs: jitterSamples ? jitterSum / jitterSamples : NaN,
        jitterDelayMaxMs: jitterMax,
        jitterTargetMeanMs: jitterSamples ? targetSum / jitterSamples : NaN,
        concealedPerSec: concealed / secs,
        cpuPercent: ((selfCpuMicros() - cpu0) / 1000 / windowMs) * 100,
        rssBytes: process.memoryUsage().rss,
        terminalBytesPerSec: (termBytes - term0) / secs,
        terminalWritesPerSec: (termWrites - writes0) / secs,
        uplinkBytesPerSec: (up - up0) / secs,
        downlinkBytesPerSec: (down - down0) / secs,
        uplinkReportedBytesPerSec: (bytesSentReported - reported0) / secs,
        remotes: remoteIds.length,
      };
      process.send?.({ type: 'report', report });
    } else if (msg.type === 'stop') {
      pacer.stop();
      void call.leave().finally(() => process.exit(0));
      setTimeout(() => process.exit(0), 2000).unref();
    }
  });
}

export interface SendersArgs {
  port: number;
  room: string;
  names: string[];
  /** As ParticipantArgs.turnMs: the measured participant has the first turn, these the following ones. */
  turnMs?: number;
}

/** The other participants of the call, in one process: they send real media and only count what they receive. */
export async function runSenders(args: SendersArgs): Promise<void> {
  const calls: Call[] = [];
  let joined = 0;
  const clip = loadCameraClip();
  for (const [i, name] of args.names.entries()) {
    // Each starts at another moment of the clip: a different picture, the same kind of camera.
    const video = createCameraClipSource(clip, Math.round(((i + 1) * clip.length) / (args.names.length + 1)));
    const call = new Call({
      session: { target: { host: '127.0.0.1', port: args.port }, name, room: args.room, audioCodecs: ['opus', 'pcm'] },
      video,
      audio: args.turnMs
        ? createConversationSource(330 + 110 * i, { turn: i + 1, of: args.names.length + 1, turnMs: args.turnMs })
        : createToneSource(330 + 110 * i),
      decodeVideo: false,
    });
    call.on((event) => {
      if (event.type === 'joined' && ++joined === args.names.length) process.send?.({ type: 'joined' });
      if (event.type === 'ended') process.send?.({ type: 'ended', message: event.error.message });
    });
    call.start();
    calls.push(call);
  }
  let cpu0 = 0;
  let t0 = 0;
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'measure-start') {
      cpu0 = selfCpuMicros();
      t0 = performance.now();
    } else if (msg.type === 'measure-stop') {
      process.send?.({ type: 'report', cpuPercent: ((selfCpuMicros() - cpu0) / 1000 / (performance.now() - t0)) * 100 });
    } else if (msg.type === 'stop') {
      void Promise.all(calls.map((c) => c.leave())).finally(() => process.exit(0));
      setTimeout(() => process.exit(0), 2000).unref();
    }
  });
}
