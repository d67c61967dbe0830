/**
 * The surface of a Call (call.ts): its options, and what it reports to the call screen and headless mode (statuses,
 * stats and events).
 */
import type { PasswordAskReason } from './password-asks.js';
import type { AudioSource } from '../media/audio/format.js';
import type { TransmitMode } from '../media/audio/voice-gate.js';
import type { RgbaImage } from '../media/video/image.js';
import type { CapturedFrame, VideoSource } from '../media/video/source.js';
import type { ChatEntry, ParticipantInfo, WelcomeMessage } from '../protocol/index.js';
import type { Clock } from '../util/clock.js';
import type { TrustNotice } from './connect.js';
import type { CallEndedError } from './errors.js';
import type { ReceivedAudioTiming, RemoteStreamStats } from './media-in.js';
import type { AudioSendState, VideoAdaptationOptions, VideoSendState } from './media-out.js';
import type { Recorder } from './recorder.js';
import type { SessionOptions } from './session.js';

export interface CallOptions {
  session: Omit<SessionOptions, 'resumeToken'>;
  video?: VideoSource;
  audio?: AudioSource;
  recorder?: Recorder;
  /**
   * Decode remote video: for display (TUI), and in headless mode for honest capture→decode latency. False (the demo's
   * synthetic guests) only counts frames. Default true.
   */
  decodeVideo?: boolean;
  /** Decoded remote audio, for playout (jitter buffer, mixer, speaker), with how it came (docs/protocol.md §4.3). */
  onRemoteAudio?: (id: number, seq: number, pcm: Int16Array, timing: ReceivedAudioTiming) => void;
  /** Send audio only while you talk (`voice`, the default) or all the time (docs/protocol.md §4.3). */
  transmit?: TransmitMode;
  /** Your own audio as sent, for your speaking indicator. */
  onOwnAudio?: (pcm: Int16Array) => void;
  /** Connection attempts before giving up on the first join. Default 3. */
  connectAttempts?: number;
  /** How long to keep trying to get back after a lost connection, in ms. Default 2 minutes (a server restart). */
  reconnectForMs?: number;
  statsIntervalMs?: number;
  clock?: Clock;
  /**
   * Delay before reconnect attempt n (0-based). Default `backoffDelayMs`: exponential with full jitter, 0.5 s
   * doubling to 10 s (a server back from a restart is found within 10 s). Tests inject shorter ones.
   */
  backoff?: (attempt: number) => number;
  /** Timing of the adaptive video ladder (docs/protocol.md §5.2); tests make it faster. */
  adaptation?: VideoAdaptationOptions;
  /** Bits per second your video may use at full frame rate (`--video-bitrate`). Default 240,000. */
  videoBitsPerSecond?: number;
  /** Receive the others' video (default), or audio only (`--receive-video off`, docs/protocol.md §4.5). */
  receiveVideo?: boolean;
  /**
   * A server that wants a password none was given for (or refuses one asked for) is not the call's end: a
   * `password-needed` event asks for one, answered with `answerPassword` (the call screen asks, as ssh does; headless
   * and scripts keep the refusal naming --password-file). At most three are asked for.
   */
  askForPassword?: boolean;
  /**
   * Stopped when the call ends, alongside its own sources: the speaker. Each device takes a moment to close, so
   * they close together rather than one after the other.
   */
  stopWith?: () => Promise<void>;
}

export type CallStatus = 'connecting' | 'joined' | 'reconnecting' | 'ended';

/**
 * The `participant-left` reason of everyone in the room when this participant's own link is lost: they did not leave,
 * we did (the rejoin's WELCOME says who is there then).
 */
export const OWN_LINK_LOST = 'reconnecting';

export interface CallStats {
  streams: RemoteStreamStats[];
  rttMs: number | null;
  uplinkKbps: number;
  videoFramesSkipped: number;
  /** Frames not sent by choice: the adaptive ladder (lower frame rate, video paused to protect audio), or a picture too detailed for `--video-bitrate` even at the lowest quality. */
  videoFramesAdapted: number;
  /** Where the sender is on the video ladder, and the congestion it reacts to. */
  videoSend: VideoSendState;
  /** Voice activity or continuous transmission, and whether your audio goes out now. */
  audioSend: AudioSendState;
}

export type CallEvent =
  /**
   * `attempt` (0-based) is tried in `retryInMs` after the last one failed for `detail`; `attempts` is how many a first
   * connection makes in all (a reconnect goes by time instead).
   */
  | { type: 'status'; status: CallStatus; detail?: string; attempt?: number; attempts?: number; retryInMs?: number }
  | { type: 'trust'; trust: TrustNotice }
  | { type: 'joined'; welcome: WelcomeMessage; rejoined: boolean }
  | { type: 'participant-joined'; participant: ParticipantInfo }
  | { type: 'participant-left'; id: number; name: string; reason: string }
  | { type: 'chat'; entry: ChatEntry }
  /** One of our own chat lines went to the server (which relays it to the others only), once, as recorded. */
  | { type: 'chat-sent'; entry: ChatEntry }
  | { type: 'state'; participant: ParticipantInfo }
  | { type: 'video'; id: number; image: RgbaImage; captureTs: number }
  | { type: 'self-video'; frame: CapturedFrame }
  | { type: 'stats'; stats: CallStats }
  | { type: 'notice'; message: string }
  /** You have been talking with your microphone muted (MutedSpeechReminder): the screen reminds you. */
  | { type: 'talking-while-muted' }
  /** The server wants a password (`why`: none given, the one typed was wrong, or it changed): Call.answerPassword. */
  /** `lastTry`: a refusal of this one ends the call. */
  | { type: 'password-needed'; why: PasswordAskReason; lastTry: boolean }
  | { type: 'ended'; error: CallEndedError };
