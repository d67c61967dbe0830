/**
 * The fan-out load generator (child role `loadgen`, pinned to its own core by bench/fanout-bench.ts): `clients`
 * connections in rooms of `roomSize`, every one a sender of video (`videoBytes` at `fps`) and audio (`audioBytes` at
 * `audioFps`), each at its own phase, and a receiver that timestamps every media frame it gets. The same load goes
 * to our server (protocol frames, plain or TLS) or to an MQTT broker (one topic per room, No Local), so the ratio
 * compares the same message load. Relay latency = receive time − send time, one clock (this process).
 *
 * Receiving parses only headers and skips bodies without copying, so the generator's own cost stays small; its CPU
 * is reported so a saturated generator is visible in the table.
 */
import net from 'node:net';
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { Codec, FrameType, PROTOCOL_NAME, PROTOCOL_VERSION, StreamKind, encodeFrame, encodeJson } from '../src/protocol/index.js';
import { startDiagnostics } from './diag.js';
import { mqttConnect, mqttPacketLength, mqttPublishPayloadOffset, mqttPublishTemplate, mqttSubscribe } from './mqtt-client.js';
import { LatencyHistogram, selfCpuMicros, sleep, type LatencySummary } from './stats.js';

export interface LoadArgs {
  protocol: 'livecomm' | 'mqtt';
  port: number;
  tls: boolean;
  clients: number;
  roomSize: number;
  videoBytes: number;
  audioBytes: number;
  fps: number;
  audioFps: number;
  /** Each video frame leaves in the same write as its sender's next audio frame, as a real client sends them (VideoHold). */
  videoWithAudio: boolean;
  warmupMs: number;
  measureMs: number;
}

export interface LoadReport {
  clients: number;
  connectMs: number;
  all: LatencySummary;
  video: LatencySummary;
  audio: LatencySummary;
  /** p99 of each 1-second window, and their median: robust to a burst of load from other programs on the machine. */
  windowP99s: number[];
  medianWindowP99: number;
  sentPerSec: number;
  receivedPerSec: number;
  /** Media frames received / (frames sent × (roomSize − 1)) over the window. */
  deliveryRatio: number;
  /** Video sends skipped because our own socket was backed up (> 128 KiB), as OutgoingMedia does. */
  skippedVideo: number;
  generatorCpuPercent: number;
  errors: string[];
}

const HEADER_LIMIT = 64;

/** Splits a byte stream into packets, keeping only each packet's first bytes; bodies are skipped, not copied. */
class PacketSplitter {
  private readonly hdr = Buffer.alloc(HEADER_LIMIT);
  private fill = 0;
  private total = -1;
  private skip = 0;

  constructor(
    private readonly lengthOf: (hdr: Buffer, fill: number) => number,
    private readonly onPacket: (hdr: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - off);
        off += k;
        this.skip -= k;
        if (this.skip === 0) this.done();
        continue;
      }
      if (this.total < 0) {
        this.hdr[this.fill++] = chunk[off++]!;
        this.total = this.lengthOf(this.hdr, this.fill);
        if (this.total >= 0 && this.fill >= this.total) this.done();
        continue;
      }
      const want = Math.min(HEADER_LIMIT, this.total) - this.fill;
      const k = Math.min(want, n - off);
      chunk.copy(this.hdr, this.fill, off, off + k);
      this.fill += k;
      off += k;
      if (this.fill === Math.min(HEADER_LIMIT, this.total)) {
        this.skip = this.total - this.fill;
        if (this.skip === 0) this.done();
      }
    }
  }

  private done(): void {
    this.onPacket(this.hdr);
    this.fill = 0;
    this.total = -1;
    this.skip = 0;
  }
}

interface Client {
  socket: net.Socket;
  ready: Promise<void>;
  sendVideo(ts: number): void;
  sendAudio(ts: number): void;
  nextVideo: number;
  nextAudio: number;
}

const wallNow = (): number => performance.timeOrigin + performance.now();

export async function runLoad(args: LoadArgs): Promise<void> {
  startDiagnostics('loadgen');
  const videoPayload = randomBytes(args.videoBytes);
  const audioPayload = randomBytes(args.audioBytes);
  const videoHist = new LatencyHistogram();
  const audioHist = new LatencyHistogram();
  let measuring = false;
  let windowHist = new LatencyHistogram();
  const windowP99s: number[] = [];
  let received = 0;
  let sent = 0;
  let skippedVideo = 0;
  const errors: string[] = [];
  const record = (kind: number, ts: number): void => {
    if (!measuring) return;
    received += 1;
    const ms = wallNow() - ts;
    (kind === StreamKind.VIDEO ? videoHist : audioHist).add(ms);
    windowHist.add(ms);
  };

  const open = (): net.Socket => {
    const socket = args.tls
      ? tls.connect({ host: '127.0.0.1', port: args.port, rejectUnauthorized: false, minVersion: 'TLSv1.3' })
      : net.connect({ host: '127.0.0.1', port: args.port });
    socket.setNoDelay(true);
    socket.on('error', (err) => {
      if (errors.length < 5) errors.push(err.message);
    });
    return socket;
  };

  const livecommClient = (i: number): Client => {
    const socket = open();
    const room = `room${Math.floor(i / args.roomSize)}`;
    let seq = 0;
    let joined: () => void = () => {};
    const ready = new Promise<void>((resolve) => (joined = resolve));
    const splitter = new PacketSplitter(
      (hdr, fill) => (fill >= 4 ? 4 + hdr.readUInt32BE(0) : -1),
      (hdr) => {
        const type = hdr[4];
        if (type === FrameType.MEDIA) record(hdr[5]!, hdr.readDoubleBE(16));
        else if (type === FrameType.WELCOME) joined();
        else if (type === FrameType.PING) {
          socket.write(encodeFrame({ type: FrameType.PONG, kind: StreamKind.CONTROL, codec: Codec.NONE, flags: 0, sender: 0, seq: hdr.readUInt32BE(12), ts: hdr.readDoubleBE(16), payload: new Uint8Array(0) }));
        } else if (type === FrameType.REFUSE || type === FrameType.BYE) {
          if (errors.length < 5) errors.push(`client ${i}: server sent ${type === FrameType.BYE ? 'BYE' : 'REFUSE'}`);
        }
      },
    );
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    const connected = args.tls ? 'secureConnect' : 'connect';
    socket.once(connected, () => {
      socket.write(encodeFrame({
        type: FrameType.HELLO, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq: 0, ts: wallNow(),
        payload: encodeJson({ protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, name: `c${i}`, room, client: 'bench', caps: { video: ['jpeg'], audio: ['opus'] } }),
      }));
    });
    const media = (kind: typeof StreamKind.VIDEO | typeof StreamKind.AUDIO, payload: Uint8Array, ts: number): void => {
      seq = (seq + 1) >>> 0;
      socket.write(encodeFrame({ type: FrameType.MEDIA, kind, codec: kind === StreamKind.VIDEO ? Codec.JPEG : Codec.OPUS, flags: 0, sender: 0, seq, ts, payload }));
    };
    return {
      socket,
      ready,
      sendVideo: (ts) => media(StreamKind.VIDEO, videoPayload, ts),
      sendAudio: (ts) => media(StreamKind.AUDIO, audioPayload, ts),
      nextVideo: 0,
      nextAudio: 0,
    };
  };

  const mqttClientOf = (i: number): Client => {
    const socket = open();
    const topic = `r${Math.floor(i / args.roomSize)}`;
    let subscribed: () => void = () => {};
    const ready = new Promise<void>((resolve) => (subscribed = resolve));
    const video = mqttPublishTemplate(topic, args.videoBytes);
    const audio = mqttPublishTemplate(topic, args.audioBytes);
    videoPayload.copy(video.bytes, video.payloadOffset);
    audioPayload.copy(audio.bytes, audio.payloadOffset);
    // The first payload bytes carry the kind and the send time, as our frame header does.
    video.bytes[video.payloadOffset] = StreamKind.VIDEO;
    audio.bytes[audio.payloadOffset] = StreamKind.AUDIO;
    const splitter = new PacketSplitter(mqttPacketLength, (hdr) => {
      const type = hdr[0]! >> 4;
      if (type === 3) {
        const p = mqttPublishPayloadOffset(hdr);
        record(hdr[p]!, hdr.readDoubleBE(p + 1));
      } else if (type === 2) socket.write(mqttSubscribe(1, topic));
      else if (type === 9) subscribed();
    });
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.once(args.tls ? 'secureConnect' : 'connect', () => socket.write(mqttConnect(`c${i}`)));
    const publish = (template: { bytes: Buffer; payloadOffset: number }, ts: number): void => {
      const bytes = Buffer.allocUnsafe(template.bytes.length);
      template.bytes.copy(bytes);
      bytes.writeDoubleBE(ts, template.payloadOffset + 1);
      socket.write(bytes);
    };
    return { socket, ready, sendVideo: (ts) => publish(video, ts), sendAudio: (ts) => publish(audio, ts), nextVideo: 0, nextAudio: 0 };
  };

  // Connect in small batches: a burst of hundreds of handshakes at once measures accept(), not relaying.
  const t0 = performance.now();
  const clients: Client[] = [];
  for (let i = 0; i < args.clients; i += 16) {
    const batch: Client[] = [];
    for (let k = i; k < Math.min(args.clients, i + 16); k++) batch.push(args.protocol === 'mqtt' ? mqttClientOf(k) : livecommClient(k));
    clients.push(...batch);
    const timeout = sleep(10_000).then(() => {
      throw new Error(`clients ${i}–${i + batch.length - 1} did not join within 10 s (${errors.join('; ')})`);
    });
    await Promise.race([Promise.all(batch.map((c) => c.ready)), timeout]);
  }
  const connectMs = performance.now() - t0;

  // Every sender at its own phase, as independent people would be.
  const videoPeriod = 1000 / args.fps;
  const audioPeriod = 1000 / args.audioFps;
  const start = performance.now();
  for (const c of clients) {
    c.nextVideo = start + Math.random() * videoPeriod;
    c.nextAudio = start + Math.random() * audioPeriod;
  }
  const timer = setInterval(() => {
    const now = performance.now();
    for (const c of clients) {
      if (c.nextAudio > now && c.nextVideo > now) continue;
      c.socket.cork();
      let audioSent = false;
      while (c.nextAudio <= now) {
        audioSent = true;
        c.sendAudio(wallNow());
        if (measuring) sent += 1;
        c.nextAudio += audioPeriod;
      }
      while (c.nextVideo <= now && (audioSent || !args.videoWithAudio)) {
        if (c.socket.writableLength > 128 * 1024) skippedVideo += 1;
        else {
          c.sendVideo(wallNow());
          if (measuring) sent += 1;
        }
        c.nextVideo += videoPeriod;
      }
      c.socket.uncork();
    }
  }, 2);

  await sleep(args.warmupMs);
  measuring = true;
  process.send?.({ type: 'measure-start' });
  const cpu0 = selfCpuMicros();
  const m0 = performance.now();
  windowHist = new LatencyHistogram();
  const windows = setInterval(() => {
    windowP99s.push(windowHist.quantile(0.99));
    windowHist = new LatencyHistogram();
  }, 1000);
  await sleep(args.measureMs);
  clearInterval(windows);
  measuring = false;
  const windowMs = performance.now() - m0;
  const generatorCpuPercent = ((selfCpuMicros() - cpu0) / 1000 / windowMs) * 100;
  process.send?.({ type: 'measure-stop' });
  clearInterval(timer);

  const all = new LatencyHistogram();
  all.merge(videoHist);
  all.merge(audioHist);
  const report: LoadReport = {
    clients: args.clients,
    connectMs,
    all: all.summary(),
    video: videoHist.summary(),
    audio: audioHist.summary(),
    windowP99s,
    medianWindowP99: [...windowP99s].sort((a, b) => a - b)[Math.floor(windowP99s.length / 2)] ?? NaN,
    sentPerSec: (sent / windowMs) * 1000,
    receivedPerSec: (received / windowMs) * 1000,
    deliveryRatio: sent > 0 ? received / (sent * (args.roomSize - 1)) : NaN,
    skippedVideo,
    generatorCpuPercent,
    errors,
  };
  process.send?.({ type: 'report', report });
  for (const c of clients) c.socket.destroy();
  setTimeout(() => process.exit(0), 200).unref();
}
