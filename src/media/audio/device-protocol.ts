/** Messages between `device.ts` and its child process `device-worker.ts` (IPC with advanced serialization). */

/** A PortAudio device as the worker reports it. `id` is PortAudio's global device index. */
export interface WorkerDeviceInfo {
  id: number;
  name: string;
  hostApi: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  isDefaultInput: boolean;
  isDefaultOutput: boolean;
}

/** Child → parent. */
export type WorkerMessage =
  | { type: 'devices'; devices: WorkerDeviceInfo[] }
  | { type: 'started' }
  /** The stream has moved for a second: the device works (one lost later is worth opening again). */
  | { type: 'flowing' }
  | { type: 'frame'; pcm: Int16Array; ts: number }
  /** A frame the speaker is about to play (silence when the call gave none in time), in the order it plays. */
  | { type: 'played'; pcm: Int16Array }
  | { type: 'dropped' }
  | { type: 'error'; code: WorkerErrorCode; message: string };

/** `backend`: naudiodon/PortAudio missing; `not-found`: no such device; `device`: it failed to open or mid-stream. */
export type WorkerErrorCode = 'backend' | 'not-found' | 'device';

/** Parent → child. */
export type ParentMessage =
  | { type: 'play'; pcm: Int16Array }
  /** From now on, send `played` for every frame that goes to the speaker (the echo canceller wants them). */
  | { type: 'report-played' }
  | { type: 'stop' };
