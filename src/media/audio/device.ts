/**
 * Microphone, speaker and device listing through naudiodon (PortAudio), each run in a child process
 * (`device-worker.ts`): PortAudio and ALSA print to stdout/stderr, which would scribble over the TUI, and a crash in
 * native code must degrade to "the call continues without it" rather than end the call (SPEC §4). A device that
 * goes away mid-call is noticed by the worker's watchdog (stall-watchdog.ts), and opened again (device-keeper.ts).
 *
 * The worker is the compiled sibling `device-worker.js` (tsc builds src/ into dist/). When this module runs from the
 * TypeScript sources (under vitest) the compiled worker in dist/ is used, so `npm run build` must have run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeviceKeeper, type DeviceRun, type DeviceRunEvents } from './device-keeper.js';
import type { AudioSource } from './format.js';
import type { WorkerDeviceInfo, WorkerErrorCode, WorkerMessage, ParentMessage } from './device-protocol.js';
import {
  AudioBackendUnavailableError,
  AudioDeviceLostError,
  AudioDeviceNotFoundError,
  type AudioError,
} from './errors.js';

/** A microphone or speaker for `livecomm-tui devices`. `id` is PortAudio's index, usable as `mic:ID`. */
export interface AudioDeviceInfo {
  id: number;
  name: string;
  /** The system default for its direction. */
  default: boolean;
  hostApi: string;
}

/** What `listAudioDevices` finds. */
export interface AudioDeviceList {
  microphones: AudioDeviceInfo[];
  speakers: AudioDeviceInfo[];
}

/** Options shared by the device functions. */
export interface DeviceOptions {
  /** Path of the compiled worker; default: found next to this module, or in dist/ (see the module comment). */
  workerPath?: string;
}

/** Plays 20 ms frames on a speaker. Errors never throw: they are reported to `on('error')` listeners once. */
export interface SpeakerSink {
  readonly description: string;
  /** Queues one frame; dropped while the device is opening or after it was lost. */
  play(pcm: Int16Array): void;
  /**
   * Calls `listener` with each frame as it goes to the device, silence included, in the order it plays: the far end
   * an echo canceller needs (the call's own timer does not know what the device dropped or filled in).
   */
  onPlayed(listener: (pcm: Int16Array) => void): void;
  /** Stops playback and the child process. */
  close(): Promise<void>;
  /**
   * `error`: the speaker never worked and is given up (`AudioDeviceLostError`, `AudioDeviceNotFoundError` or
   * `AudioBackendUnavailableError`). `lost`: it worked and is gone (`AudioDeviceLostError`); it is being opened
   * again, and `back` says when it plays again (DeviceKeeper).
   */
  on(event: 'error' | 'lost', listener: (err: AudioError) => void): this;
  on(event: 'back', listener: () => void): this;
}

const STOP_GRACE_MS = 1000;
const LIST_TIMEOUT_MS = 10_000;

/** Resolves the compiled worker script. */
export function deviceWorkerPath(): string {
  const js = fileURLToPath(new URL('./device-worker.js', import.meta.url));
  if (existsSync(js)) return js;
  const dist = js.replace(`${sep}src${sep}`, `${sep}dist${sep}`);
  if (existsSync(dist)) return dist;
  throw new AudioBackendUnavailableError('the audio device worker is not built (run: npm run build)');
}

function spawnWorker(args: string[], opts: DeviceOptions): ChildProcess {
  const path = opts.workerPath ?? deviceWorkerPath();
  return fork(path, args, {
    // The whole point: the child's stdout/stderr (PortAudio, ALSA) never reach our terminal.
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    serialization: 'advanced',
    // naudiodon installs a segfault handler that writes crash.log into the working directory.
    cwd: tmpdir(),
  });
}

// A lost device's message says what happened to which device, once; whoever shows it says what the call does
// without it (participant.ts, media-out.ts).
function toError(code: WorkerErrorCode, message: string): AudioError {
  if (code === 'backend') return new AudioBackendUnavailableError(message);
  if (code === 'not-found') return new AudioDeviceNotFoundError(message);
  return new AudioDeviceLostError(message);
}

/**
 * Asks the child to stop, and kills it if it has not exited within a second. One still starting (an attempt to open
 * a lost device again) has no stream to close, and would read the request only once PortAudio has opened the device,
 * which can take seconds or hang on a device that is going away: it is killed at once.
 */
async function stopWorker(child: ChildProcess, streaming = true): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!streaming) child.kill('SIGKILL');
  else if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Watches a device child: forwards its messages, and turns an error message or an unexpected exit into exactly one
 * error report.
 */
function supervise(
  child: ChildProcess,
  device: 'microphone' | 'speaker' | 'device list',
  onMessage: (msg: WorkerMessage) => void,
  onError: (err: AudioError) => void,
): { stopping: () => void } {
  let stopping = false;
  let reported = false;
  const report = (err: AudioError): void => {
    if (reported || stopping) return;
    reported = true;
    onError(err);
  };
  child.on('message', (msg: WorkerMessage) => {
    if (msg.type === 'error') report(toError(msg.code, msg.message));
    else onMessage(msg);
  });
  child.on('error', (err) => report(new AudioDeviceLostError(`the ${device}'s process failed: ${err.message}`, { cause: err })));
  child.on('exit', (code, signal) => {
    report(new AudioDeviceLostError(`the ${device}'s process exited: ${signal ?? `code ${code}`}`));
  });
  return { stopping: () => (stopping = true) };
}

/**
 * Lists microphones and speakers.
 * @throws AudioBackendUnavailableError when naudiodon is not installed or the worker cannot run.
 */
export async function listAudioDevices(opts: DeviceOptions = {}): Promise<AudioDeviceList> {
  const child = spawnWorker(['list'], opts);
  const devices = await new Promise<WorkerDeviceInfo[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new AudioBackendUnavailableError('PortAudio did not list its devices within 10 s'));
    }, LIST_TIMEOUT_MS);
    const { stopping } = supervise(
      child,
      'device list',
      (msg) => {
        if (msg.type !== 'devices') return;
        clearTimeout(timer);
        stopping();
        resolve(msg.devices);
      },
      (err) => {
        clearTimeout(timer);
        reject(err.code === 'LC_ERR_AUDIO_DEVICE_LOST' ? new AudioBackendUnavailableError('PortAudio crashed while listing devices', { cause: err }) : err);
      },
    );
  });
  await stopWorker(child);
  const pick = (d: WorkerDeviceInfo, isDefault: boolean): AudioDeviceInfo => ({ id: d.id, name: d.name, default: isDefault, hostApi: d.hostApi });
  return {
    microphones: devices.filter((d) => d.maxInputChannels > 0).map((d) => pick(d, d.isDefaultInput)),
    speakers: devices.filter((d) => d.maxOutputChannels > 0).map((d) => pick(d, d.isDefaultOutput)),
  };
}

/**
 * One device worker run for DeviceKeeper: `flowing` and failures go to the keeper, the rest to `onMessage`.
 * @throws AudioBackendUnavailableError when the worker is not built (the keeper counts it as the run failing).
 */
function openRun(
  args: string[],
  device: 'microphone' | 'speaker',
  opts: DeviceOptions,
  events: DeviceRunEvents,
  onMessage: (msg: WorkerMessage) => void,
): { child: ChildProcess; run: DeviceRun } {
  const child = spawnWorker(args, opts);
  let streaming = false;
  const control = supervise(
    child,
    device,
    (msg) => {
      if (msg.type === 'started') streaming = true;
      if (msg.type === 'flowing') events.flowing();
      else onMessage(msg);
    },
    (err) => events.failed(err),
  );
  return {
    child,
    run: {
      stop: async () => {
        control.stopping();
        await stopWorker(child, streaming);
      },
    },
  };
}

/**
 * `--audio mic[:DEVICE]`: captures 20 ms frames from a microphone (default: the system's). DEVICE is a PortAudio id
 * or part of a name. Failures arrive through `onError` as coded `AudioError`s (never thrown, never a crash); a
 * microphone lost after it worked is opened again until it works (`interruptions`, DeviceKeeper).
 */
export function createMicSource(device?: string, opts: DeviceOptions = {}): AudioSource {
  let keeper: DeviceKeeper | undefined;
  return {
    description: device ? `microphone "${device}"` : 'default microphone',
    start(onFrame, onError, interruptions) {
      if (keeper) return;
      keeper = new DeviceKeeper(
        (events) =>
          openRun(['capture', device ?? ''], 'microphone', opts, events, (msg) => {
            if (msg.type === 'frame') onFrame(msg.pcm, msg.ts);
          }).run,
        { failed: onError, lost: (err) => interruptions?.paused(err), back: () => interruptions?.resumed() },
        // Without anyone to tell that it came back, a loss is the end (a probe, a test).
        { reopen: interruptions !== undefined },
      );
      keeper.start();
    },
    async stop() {
      const k = keeper;
      keeper = undefined;
      await k?.stop();
    },
  };
}

/** `--speaker [DEVICE]`: plays frames on a speaker (default: the system's) from a child process. */
export function createSpeakerSink(device?: string, opts: DeviceOptions = {}): SpeakerSink {
  const listeners = { error: new Set<(err: AudioError) => void>(), lost: new Set<(err: AudioError) => void>(), back: new Set<() => void>() };
  const playedListeners: Array<(pcm: Int16Array) => void> = [];
  let lastError: AudioError | undefined;
  /** The current run's worker (none while the speaker is lost), and whether it plays yet. */
  let current: ChildProcess | undefined;
  let started = false;
  let closed = false;
  const keeper = new DeviceKeeper(
    (events) => {
      const { child, run } = openRun(['playback', device ?? ''], 'speaker', opts, events, (msg) => {
        if (msg.type === 'started') started = true;
        if (msg.type === 'played') for (const listener of playedListeners) listener(msg.pcm);
      });
      [current, started] = [child, false];
      if (playedListeners.length > 0) child.send({ type: 'report-played' } satisfies ParentMessage);
      return {
        stop: async () => {
          if (current === child) [current, started] = [undefined, false];
          await run.stop();
        },
      };
    },
    {
      failed: (err) => {
        lastError = err;
        for (const l of listeners.error) l(err);
      },
      lost: (err) => {
        for (const l of listeners.lost) l(err);
      },
      back: () => {
        for (const l of listeners.back) l();
      },
    },
  );
  keeper.start();
  const sink: SpeakerSink = {
    description: device ? `speaker "${device}"` : 'default speaker',
    play(pcm) {
      if (closed || !started || !current?.connected) return;
      current.send({ type: 'play', pcm } satisfies ParentMessage);
    },
    onPlayed(listener) {
      playedListeners.push(listener);
      if (playedListeners.length === 1 && current?.connected) current.send({ type: 'report-played' } satisfies ParentMessage);
    },
    async close() {
      if (closed) return;
      closed = true;
      await keeper.stop();
    },
    on(event: 'error' | 'lost' | 'back', listener: ((err: AudioError) => void) | (() => void)) {
      if (event === 'back') listeners.back.add(listener as () => void);
      else listeners[event].add(listener);
      if (event === 'error' && lastError) listener(lastError);
      return sink;
    },
  };
  return sink;
}
