import { createAudioDecoder, type AudioCodecName, type AudioDecoder } from '../media/audio/codec.js';
import type { FrameTiming } from '../media/audio/jitter-buffer.js';
import { decodeJpeg } from '../media/video/jpeg.js';
import type { RgbaImage } from '../media/video/image.js';
import { Codec, FrameFlag, StreamKind, type DecodedFrame } from '../protocol/index.js';
import type { Recorder } from './recorder.js';
import { StreamStats, type StreamWindowStats } from './stream-stats.js';

/**
 * How a remote audio frame came (docs/protocol.md §4.3): its capture time, whether the sender went silent after it
 * (`spurtEnd`), and whether it is a spurt's onset sent late on purpose (`preroll`).
 */
export interface ReceivedAudioTiming extends FrameTiming {
  captureTs: number;
}

/**
 * The largest video frame decoded (docs/protocol.md §2): four times the 160×120 senders use. A flat picture of
 * megapixels is a few KB on the wire and costs every receiver ~180 ms to decode.
 */
const MAX_RECEIVED_VIDEO_PIXELS = 320 * 240;

/** Where decoded media goes. */
export interface IncomingMediaSinks {
  /** A decoded video frame of a remote participant, newest only. Absent: video is not decoded except for stats. */
  onVideo?(id: number, image: RgbaImage, captureTs: number): void;
  /** Decoded 20 ms audio of a remote participant, in arrival order, for the jitter buffer and mixer. */
  onAudio?(id: number, seq: number, pcm: Int16Array, timing: ReceivedAudioTiming): void;
  onNotice(message: string): void;
}

export interface RemoteStreamStats {
  id: number;
  name: string;
  video: StreamWindowStats;
  audio: StreamWindowStats;
}

interface Remote {
  name: string;
  videoStats: StreamStats;
  audioStats: StreamStats;
  pendingVideo: { frame: DecodedFrame; receivedAt: number } | undefined;
  decodeScheduled: boolean;
  audioDecoder: AudioDecoder | undefined;
  badFrames: number;
}

/**
 * Receives remote media: decodes each participant's newest video frame once (late frames are dropped, never
 * queued: SPEC §4), decodes audio in order, keeps per-stream stats and feeds the recorder. A participant's garbage
 * frames are counted and dropped; they never stop anyone else's stream.
 */
export class IncomingMedia {
  private readonly remotes = new Map<number, Remote>();
  private videoWanted = true;

  constructor(
    private readonly sinks: IncomingMediaSinks,
    private readonly recorder: Recorder | undefined,
    private readonly wallMs: () => number,
    /** Decode video (for display, or honest capture→decode stats); false counts frames at arrival only. */
    private readonly decodeEnabled = true,
  ) {}

  addParticipant(id: number, name: string): void {
    if (this.remotes.has(id)) return;
    this.remotes.set(id, {
      name,
      videoStats: new StreamStats(),
      audioStats: new StreamStats(),
      pendingVideo: undefined,
      decodeScheduled: false,
      audioDecoder: undefined,
      badFrames: 0,
    });
  }

  removeParticipant(id: number): void {
    const remote = this.remotes.get(id);
    if (!remote) return;
    remote.audioDecoder?.close();
    this.remotes.delete(id);
    this.recorder?.participantLeft(remote.name);
  }

  /**
   * Audio only (false): video frames are dropped on arrival, neither decoded, counted nor recorded — those the
   * server sent before it heard, or all of them from a server too old to stop (docs/protocol.md §4.5).
   */
  setVideoWanted(wanted: boolean): void {
    this.videoWanted = wanted;
    for (const remote of this.remotes.values()) {
      if (!wanted) remote.pendingVideo = undefined;
      else remote.videoStats.resetSequence();
    }
  }

  /** Forgets everyone (the connection was lost; a rejoin lists the room again). */
  clear(): void {
    for (const id of [...this.remotes.keys()]) this.removeParticipant(id);
  }

  onFrame(frame: DecodedFrame, receivedAt: number): void {
    const remote = this.remotes.get(frame.sender);
    if (!remote) return;
    if (frame.kind === StreamKind.VIDEO) {
      if (!this.videoWanted) return;
      this.recorder?.videoFrame(remote.name, frame.seq, frame.ts, receivedAt, frame.payload);
      if (!this.decodeEnabled) {
        remote.videoStats.record(frame.seq, frame.payload.length, receivedAt - frame.ts);
        return;
      }
      const replaced = remote.pendingVideo?.frame;
      remote.pendingVideo = { frame, receivedAt };
      if (replaced) remote.videoStats.discarded(replaced.seq, replaced.payload.length);
      if (!remote.decodeScheduled) {
        remote.decodeScheduled = true;
        // Decode after the socket's batch is read, so a burst of frames costs one decode: the newest.
        setImmediate(() => this.decodeVideo(frame.sender));
      }
    } else if (frame.kind === StreamKind.AUDIO) {
      this.decodeAudio(frame.sender, remote, frame);
    }
  }

  /** Stats since the last call, per remote participant. */
  takeStats(windowMs: number): RemoteStreamStats[] {
    return [...this.remotes].map(([id, r]) => ({
      id,
      name: r.name,
      video: r.videoStats.takeWindow(windowMs),
      audio: r.audioStats.takeWindow(windowMs),
    }));
  }

  private decodeVideo(id: number): void {
    const remote = this.remotes.get(id);
    if (!remote) return;
    remote.decodeScheduled = false;
    const pending = remote.pendingVideo;
    remote.pendingVideo = undefined;
    if (!pending) return;
    const { frame } = pending;
    let image: RgbaImage;
    try {
      image = decodeJpeg(frame.payload, { maxPixels: MAX_RECEIVED_VIDEO_PIXELS });
    } catch (err) {
      this.badFrame(remote, `a video frame from ${remote.name} could not be decoded (${(err as Error).message})`);
      remote.videoStats.discarded(frame.seq, frame.payload.length);
      return;
    }
    remote.videoStats.record(frame.seq, frame.payload.length, this.wallMs() - frame.ts);
    this.sinks.onVideo?.(id, image, frame.ts);
  }

  private decodeAudio(id: number, remote: Remote, frame: DecodedFrame): void {
    const codec: AudioCodecName = frame.codec === Codec.OPUS ? 'opus' : 'pcm';
    if (!remote.audioDecoder || remote.audioDecoder.codec !== codec) {
      remote.audioDecoder?.close();
      remote.audioDecoder = createAudioDecoder(codec);
    }
    let pcm: Int16Array;
    try {
      pcm = remote.audioDecoder.decode(frame.payload);
    } catch (err) {
      this.badFrame(remote, `an audio frame from ${remote.name} could not be decoded (${(err as Error).message})`);
      remote.audioStats.discarded(frame.seq, frame.payload.length);
      return;
    }
    const preroll = (frame.flags & FrameFlag.PREROLL) !== 0;
    remote.audioStats.record(frame.seq, frame.payload.length, preroll ? undefined : this.wallMs() - frame.ts);
    this.recorder?.audioFrame(remote.name, frame.ts, pcm);
    this.sinks.onAudio?.(id, frame.seq, pcm, { captureTs: frame.ts, spurtEnd: (frame.flags & FrameFlag.SPURT_END) !== 0, preroll });
  }

  private badFrame(remote: Remote, message: string): void {
    remote.badFrames += 1;
    // Say it once per participant, then stay quiet: a broken sender must not flood the user.
    if (remote.badFrames === 1) this.sinks.onNotice(message);
  }
}
