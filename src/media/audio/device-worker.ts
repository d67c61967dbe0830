/**
 * The device side of the audio path, run in a child process by `device.ts` (SPEC §4: isolate it). PortAudio prints
 * to stdout on open/close/underflow and ALSA to stderr, and a native crash must not end the call: here that output
 * goes to the child's own (ignored) stdio, and a crash is just this process exiting.
 *
 * Started as `node device-worker.js MODE [DEVICE]` (DEVICE: a PortAudio id, or part of a device name; default: the
 * system default) with an IPC channel (advanced serialization, so Int16Arrays
 * cross without JSON). Modes:
 * - `list`: replies `{ type: 'devices', ... }` and exits.
 * - `capture`: sends `{ type: 'frame', pcm, ts }` every 20 ms (48 kHz mono s16, `SAMPLES_PER_FRAME` samples; `ts` when
 *   its last sample was captured, counted in samples: capture-clock.ts).
 * - `playback`: plays each `{ type: 'play', pcm }` received, silence while none comes; beyond a 200 ms backlog the
 *   oldest is dropped (replying `{ type: 'dropped' }`). After `{ type: 'report-played' }`, sends
 *   `{ type: 'played', pcm }` as each frame (or silence) goes to the device.
 * `capture` and `playback` send `{ type: 'flowing' }` once their stream has moved for a second (the device works).
 * Any mode replies `{ type: 'error', code, message }` before exiting non-zero on failure, a stream that stopped
 * moving for 2 s included (StallWatchdog: a lost device says nothing else). `{ type: 'stop' }` or the parent
 * going away ends the process.
 */
import { SYSTEM_CLOCK } from '../../util/clock.js';
import { SAMPLE_RATE, SAMPLES_PER_FRAME } from './format.js';
import type { Readable, Writable } from 'node:stream';
import type { ParentMessage, WorkerDeviceInfo, WorkerErrorCode, WorkerMessage } from './device-protocol.js';
import { CaptureClock } from './capture-clock.js';
import { PlaybackQueue } from './playback-queue.js';
import { StallWatchdog } from './stall-watchdog.js';
import { setPriority } from 'node:os';

const FRAME_BYTES = SAMPLES_PER_FRAME * 2;
/** Periods naudiodon queues for the device beyond the one it plays: one (10 ms), for the feeding loop's own jitter. */
const PLAYBACK_DEVICE_QUEUE_PERIODS = 1;
/** The sound card's period: 10 ms. */
const DEVICE_PERIOD_SAMPLES = SAMPLES_PER_FRAME / 2;
/** Niceness asked for the device processes (PulseAudio asks for -11). */
const AUDIO_NICENESS = -11;
/**
 * Captured periods naudiodon may hold for us (200 ms): when it holds more, its callback waits and the sound card
 * overruns, a hole in the microphone. Only a stalled event loop here fills it; it costs no latency otherwise.
 */
const CAPTURE_DEVICE_QUEUE_BUFFERS = 20;
/** How often the stall watchdog looks. */
const WATCHDOG_CHECK_MS = 100;
/** A stream idle this long when asked to stop is dead: its stop would never call back. */
const DEAD_ON_STOP_MS = 100;
/** How long a stop may take before the process goes without it. */
const ABORT_GRACE_MS = 300;
/**
 * A stream that has moved for this long works (`flowing`): a device lost mid-call is then opened again (device.ts).
 * A second, not the first period: a sink that took a moment's sound and then stalled (nothing behind it) does not.
 */
const FLOWING_AFTER_MS = 1000;

// The slice of naudiodon's API we use, declared here: it is an optional dependency, so the build must not need its
// typings (when it failed to build, npm leaves it out).
interface StreamOptions {
  channelCount: number;
  sampleFormat: number;
  sampleRate: number;
  deviceId: number;
  closeOnError: boolean;
  highwaterMark: number;
  framesPerBuffer: number;
  /** Chunks naudiodon queues between the stream and the PortAudio callback (default 2). */
  maxQueue?: number;
}
interface PortAudioControl {
  start(): void;
  /**
   * Stops the stream once what naudiodon holds has gone to the device (one 10 ms period here). Not `abort`: in
   * naudiodon 2.3.6 it passes two arguments to a native call that takes one, and throws.
   */
  quit(callback?: () => void): Promise<void>;
}
type IoStreamRead = Readable & PortAudioControl;
type IoStreamWrite = Writable & PortAudioControl;
interface Naudiodon {
  SampleFormat16Bit: number;
  getDevices(): Array<{ id: number; name: string; maxInputChannels: number; maxOutputChannels: number; defaultSampleRate: number; hostAPIName: string }>;
  getHostAPIs(): { defaultHostAPI: number; HostAPIs: Array<{ name: string; defaultInput: number; defaultOutput: number }> };
  AudioIO(options: { inOptions: StreamOptions }): IoStreamRead;
  AudioIO(options: { outOptions: StreamOptions }): IoStreamWrite;
}
const NAUDIODON = 'naudiodon'; // a variable, so TypeScript does not try to resolve the optional module

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

function fail(code: WorkerErrorCode, message: string): never {
  send({ type: 'error', code, message });
  // Let the IPC message flush before exiting.
  setTimeout(() => process.exit(1), 50);
  throw new Error(message);
}

/**
 * Ends the process now. On a dead stream `process.exit` hangs in naudiodon's teardown (PortAudio waits for a device
 * that is gone), so the process kills itself instead; the parent has been told all it needs.
 */
function exitNow(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

/** Reports a stream that stopped moving, and ends the process once the report is on its way. */
function failStalled(message: string): void {
  process.send?.({ type: 'error', code: 'device', message } satisfies WorkerMessage, () => exitNow());
  setTimeout(exitNow, 100);
}

/**
 * Watches a running stream: `progress` on each write completed or chunk read (the first second of it is reported as
 * `flowing`); two seconds without any, the device is lost. Returns `progress` and how to stop: at once when the
 * stream is already idle (dead), else once the stream stopped, which a stream that died meanwhile never does.
 */
function watchStream(io: PortAudioControl, stalled: (idle: string) => string): { progress: () => void; stop: () => void } {
  const watchdog = new StallWatchdog(performance.now(), { checkMs: WATCHDOG_CHECK_MS });
  let firstProgress: number | undefined;
  let flowing = false;
  const progress = (): void => {
    const now = performance.now();
    watchdog.progress(now);
    firstProgress ??= now;
    if (!flowing && now - firstProgress >= FLOWING_AFTER_MS) {
      flowing = true;
      send({ type: 'flowing' });
    }
  };
  const timer = setInterval(() => {
    if (!watchdog.check(performance.now())) return;
    clearInterval(timer);
    const seconds = watchdog.limitMs / 1000;
    failStalled(stalled(watchdog.started ? `for ${seconds} s: unplugged, or its sound server stopped` : `in the ${seconds} s after it opened`));
  }, WATCHDOG_CHECK_MS);
  const stop = (): void => {
    clearInterval(timer);
    process.removeListener('disconnect', stop);
    if (watchdog.idleMs >= DEAD_ON_STOP_MS) exitNow();
    setTimeout(exitNow, ABORT_GRACE_MS);
    void io.quit(() => process.exit(0));
  };
  // The parent went away (crashed, or closed us): stop as when asked to.
  process.removeAllListeners('disconnect');
  process.on('disconnect', stop);
  return { progress, stop };
}

async function loadBackend(): Promise<Naudiodon> {
  try {
    const mod = (await import(NAUDIODON)) as Naudiodon & { default?: Naudiodon };
    return mod.default ?? mod;
  } catch (err) {
    // An optional dependency: npm leaves it out when it cannot build it (no compiler or ALSA headers). Say how to fix.
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      return fail('backend', 'the audio module naudiodon is not installed (npm could not build it): run `sudo apt install build-essential libasound2-dev`, then `npm install` again');
    }
    return fail('backend', `naudiodon (PortAudio) could not be loaded: ${(err as Error).message}`);
  }
}

function describeDevices(pa: Naudiodon): WorkerDeviceInfo[] {
  const devices = pa.getDevices();
  const apis = pa.getHostAPIs();
  const api = apis.HostAPIs[apis.defaultHostAPI];
  // Host API defaults are indexes within that API's own devices; map them to global device ids.
  const ofApi = api ? devices.filter((d) => d.hostAPIName === api.name) : [];
  const defaultInput = api ? ofApi[api.defaultInput]?.id : undefined;
  const defaultOutput = api ? ofApi[api.defaultOutput]?.id : undefined;
  const out: WorkerDeviceInfo[] = devices.map((d) => ({
    id: d.id,
    name: d.name,
    hostApi: d.hostAPIName,
    maxInputChannels: d.maxInputChannels,
    maxOutputChannels: d.maxOutputChannels,
    defaultSampleRate: d.defaultSampleRate,
    isDefaultInput: d.id === defaultInput,
    isDefaultOutput: d.id === defaultOutput,
  }));
  return out;
}

function listDevices(pa: Naudiodon): void {
  send({ type: 'devices', devices: describeDevices(pa) });
  setTimeout(() => process.exit(0), 50);
}

// A DEVICE argument: empty = the default (-1), a number = that PortAudio id, else the first device whose name
// contains it (case-insensitive), among those with channels in the wanted direction.
function resolveDevice(pa: Naudiodon, spec: string, direction: 'input' | 'output'): number {
  const devices = describeDevices(pa).filter((d) => (direction === 'input' ? d.maxInputChannels : d.maxOutputChannels) > 0);
  const kind = direction === 'input' ? 'microphone' : 'speaker';
  if (spec === '') {
    if (!devices.some((d) => (direction === 'input' ? d.isDefaultInput : d.isDefaultOutput))) {
      fail('not-found', `there is no default ${kind}`);
    }
    return -1;
  }
  const byId = /^\d+$/.test(spec) ? devices.find((d) => d.id === Number(spec)) : undefined;
  const found = byId ?? devices.find((d) => d.name.toLowerCase().includes(spec.toLowerCase()));
  if (!found) fail('not-found', `there is no ${kind} "${spec}" (see: livecomm-tui devices)`);
  return found.id;
}

// naudiodon emits PortAudio status strings ("output underflow") as errors: a glitch, not a lost device.
function onStreamError(kind: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (/underflow|overflow/i.test(message)) return;
  fail('device', `${kind} failed: ${message}`);
}

/** The one stream format (48 kHz mono s16, 20 ms frames) for either direction. */
function streamOptions(pa: Naudiodon, deviceId: number) {
  return {
    channelCount: 1,
    sampleFormat: pa.SampleFormat16Bit,
    sampleRate: SAMPLE_RATE,
    deviceId,
    // naudiodon reports every overflow/underflow as an error, and with closeOnError it closes the stream on them.
    closeOnError: false,
    // One frame in the stream's buffer keeps latency at ~20 ms each way (the default 16 KiB is 170 ms).
    highwaterMark: FRAME_BYTES,
    // PortAudio sizes the sound card's buffer from its period: 10 ms periods gave a 22 ms buffer on PulseAudio
    // here, 20 ms periods 40 ms (and 5 ms, 15 ms: no glitches either, but twice the wake-ups).
    framesPerBuffer: DEVICE_PERIOD_SAMPLES,
  };
}

function capture(pa: Naudiodon, deviceId: number): void {
  let io: IoStreamRead;
  try {
    io = pa.AudioIO({ inOptions: { ...streamOptions(pa, deviceId), maxQueue: CAPTURE_DEVICE_QUEUE_BUFFERS } });
  } catch (err) {
    fail('device', `cannot open the microphone: ${(err as Error).message}`);
  }
  const { progress, stop } = watchStream(io, (idle) => `the microphone sent no sound ${idle}`);
  let pending: Buffer = Buffer.alloc(0);
  // Frames read in a burst after this process stalled keep their 20 ms spacing (capture-clock.ts).
  const captureClock = new CaptureClock(SAMPLE_RATE);
  io.on('data', (chunk: Buffer) => {
    progress();
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const readAt = SYSTEM_CLOCK.wallMs();
    while (pending.length >= FRAME_BYTES) {
      const pcm = new Int16Array(SAMPLES_PER_FRAME);
      new Uint8Array(pcm.buffer).set(pending.subarray(0, FRAME_BYTES));
      pending = pending.subarray(FRAME_BYTES);
      send({ type: 'frame', pcm, ts: captureClock.next(SAMPLES_PER_FRAME, readAt) });
    }
  });
  io.on('error', (err: unknown) => onStreamError('microphone', err));
  let stopping = false;
  // Stopping ends the stream too: only an end nobody asked for is a failure.
  io.on('end', () => stopping || fail('device', 'microphone stream ended'));
  io.start();
  send({ type: 'started' });
  process.on('message', (msg: ParentMessage) => {
    if (msg.type !== 'stop') return;
    stopping = true;
    stop();
  });
}

function playback(pa: Naudiodon, deviceId: number): void {
  let io: IoStreamWrite;
  try {
    // naudiodon's queue holds one period: its write resolves when the device has taken the one before.
    io = pa.AudioIO({ outOptions: { ...streamOptions(pa, deviceId), maxQueue: PLAYBACK_DEVICE_QUEUE_PERIODS } });
  } catch (err) {
    fail('device', `cannot open the speaker: ${(err as Error).message}`);
  }
  io.on('error', (err: unknown) => onStreamError('speaker', err));
  const { progress, stop } = watchStream(io, (idle) => `the speaker took no sound ${idle}`);
  const queue = new PlaybackQueue();
  let stopping = false;
  let reportPlayed = false;
  let frame = queue.next();
  let offset = 0;
  // One write in flight at a time, the next given as soon as the device took one: it never waits for data (which
  // would underrun the sound card), and the frames from the call wait in `queue`, not in an unbounded stream buffer.
  // Written a period at a time, so what naudiodon holds for the device is 10 ms, not a whole frame.
  const feed = (): void => {
    if (stopping) return;
    if (offset === frame.length) {
      [frame, offset] = [queue.next(), 0];
      // The echo canceller's far end: exactly what the speaker plays, silence and all, in its order.
      if (reportPlayed) send({ type: 'played', pcm: frame });
    }
    const period = frame.subarray(offset, offset + DEVICE_PERIOD_SAMPLES);
    offset += period.length;
    io.write(Buffer.from(period.buffer, period.byteOffset, period.byteLength), (err) => {
      if (err) return;
      progress();
      feed();
    });
  };
  io.start();
  feed();
  send({ type: 'started' });
  process.on('message', (msg: ParentMessage) => {
    if (msg.type === 'stop') {
      stopping = true;
      stop();
      return;
    }
    if (msg.type === 'report-played') reportPlayed = true;
    if (msg.type !== 'play') return;
    const dropped = queue.dropped;
    queue.push(msg.pcm);
    if (queue.dropped > dropped) send({ type: 'dropped' });
  });
}

/**
 * A device must be fed (or read) every 10 ms: when the machine is busy, a late wake-up here is a click, and a slip
 * in the speaker's timeline that the echo canceller must learn anew. So ask to be scheduled ahead of ordinary
 * processes, as sound servers do; allowed for root or with CAP_SYS_NICE (or an rlimit), else nothing changes.
 */
function raisePriority(): void {
  try {
    setPriority(AUDIO_NICENESS);
  } catch {
    // Not permitted: run at the normal priority.
  }
}

async function main(): Promise<void> {
  // The parent went away (crashed, or closed us): nothing left to do (a running stream replaces this: watchStream).
  process.on('disconnect', () => process.exit(0));
  const [mode, device = ''] = process.argv.slice(2);
  if (mode !== 'list') raisePriority();
  const pa = await loadBackend();
  if (mode === 'list') listDevices(pa);
  else if (mode === 'capture') capture(pa, resolveDevice(pa, device, 'input'));
  else if (mode === 'playback') playback(pa, resolveDevice(pa, device, 'output'));
  else fail('device', `unknown device worker mode ${String(mode)}`);
}

main().catch(() => {
  // fail() already reported the error and scheduled the exit.
});
