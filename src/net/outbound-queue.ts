import { StreamKind, type StreamKindValue } from '../protocol/index.js';

/**
 * Per-connection outbound queue with the flow-control rules of SPEC §3 (docs/protocol.md §5):
 * - control and chat: FIFO, never dropped; past `controlCapBytes` the queue reports overflow and the owner
 *   disconnects the peer with a reason;
 * - audio: per sender, at most `audioFramesPerSender` (~200 ms), the oldest dropped first;
 * - video: per sender, only the newest frame is kept.
 * Pure: no sockets; the writer takes batches out of it when the socket can accept more.
 */
export interface OutboundQueueOptions {
  /** Most control/chat bytes held before the peer is declared too slow. Default 1 MiB. */
  controlCapBytes?: number;
  /** Audio frames held per sender. Default 10 (200 ms of 20 ms frames). */
  audioFramesPerSender?: number;
}

/** How many media bytes may leave now (docs/protocol.md §5.1); see `takeBatch`. */
export interface MediaRoom {
  audio: number;
  video: number;
  /** Nothing is in flight: a video frame larger than the room may still go, or big frames could never leave. */
  pipeEmpty: boolean;
}

const UNLIMITED_ROOM: MediaRoom = { audio: Number.POSITIVE_INFINITY, video: Number.POSITIVE_INFINITY, pipeEmpty: true };

export type EnqueueResult = 'queued' | 'replaced-older' | 'dropped-oldest' | 'overflow';

export interface QueueStats {
  queuedBytes: number;
  droppedVideo: number;
  droppedAudio: number;
}

export class OutboundQueue {
  private readonly controlCap: number;
  private readonly audioPerSender: number;
  private control: Uint8Array[] = [];
  private controlHead = 0;
  private controlBytes = 0;
  private readonly audio = new Map<number, Uint8Array[]>();
  private audioBytes = 0;
  private readonly video = new Map<number, Uint8Array>();
  private videoBytes = 0;
  private droppedVideo = 0;
  private droppedAudio = 0;

  constructor(options: OutboundQueueOptions = {}) {
    this.controlCap = options.controlCapBytes ?? 1024 * 1024;
    this.audioPerSender = options.audioFramesPerSender ?? 10;
  }

  get queuedBytes(): number {
    return this.controlBytes + this.audioBytes + this.videoBytes;
  }

  get isEmpty(): boolean {
    return this.queuedBytes === 0;
  }

  stats(): QueueStats {
    return { queuedBytes: this.queuedBytes, droppedVideo: this.droppedVideo, droppedAudio: this.droppedAudio };
  }

  /** Adds an encoded frame; `sender` keys the per-sender media queues. */
  enqueue(kind: StreamKindValue, sender: number, bytes: Uint8Array): EnqueueResult {
    switch (kind) {
      case StreamKind.VIDEO: {
        const older = this.video.get(sender);
        this.video.set(sender, bytes);
        this.videoBytes += bytes.length - (older?.length ?? 0);
        if (older) {
          this.droppedVideo += 1;
          return 'replaced-older';
        }
        return 'queued';
      }
      case StreamKind.AUDIO: {
        let frames = this.audio.get(sender);
        if (!frames) {
          frames = [];
          this.audio.set(sender, frames);
        }
        frames.push(bytes);
        this.audioBytes += bytes.length;
        if (frames.length > this.audioPerSender) {
          this.audioBytes -= frames.shift()!.length;
          this.droppedAudio += 1;
          return 'dropped-oldest';
        }
        return 'queued';
      }
      default: {
        this.control.push(bytes);
        this.controlBytes += bytes.length;
        return this.controlBytes > this.controlCap ? 'overflow' : 'queued';
      }
    }
  }

  /** Control and chat bytes waiting: these are never held back by the ACK window (docs/protocol.md §5.1). */
  get controlQueuedBytes(): number {
    return this.controlBytes;
  }

  get audioQueuedBytes(): number {
    return this.audioBytes;
  }

  /**
   * Takes frames to write, about `maxBytes` worth (at least one frame if any is queued and allowed), in priority
   * order: control and chat, then audio, then video. Audio before video: audio never waits for video (SPEC §4).
   *
   * `room` limits media further (the ACK window, docs/protocol.md §5.1): about `room.audio` bytes of audio (it may
   * overshoot by a frame: audio is small and must keep flowing) and `room.video` bytes of video, where a video frame
   * must fit unless nothing is in flight (`room.pipeEmpty`), so one big frame cannot fill the window and make audio
   * wait for it to drain. Control and chat are never limited by `room`: acknowledgements and goodbyes can never
   * deadlock behind media.
   *
   * Frames are appended to `out` (default: a new array), so a writer can reuse one array for every batch.
   */
  takeBatch(maxBytes: number, room: MediaRoom = UNLIMITED_ROOM, out: Uint8Array[] = []): Uint8Array[] {
    const first = out.length;
    let taken = 0;
    while (this.controlHead < this.control.length && (taken < maxBytes || out.length === first)) {
      const bytes = this.control[this.controlHead++]!;
      out.push(bytes);
      taken += bytes.length;
      this.controlBytes -= bytes.length;
    }
    if (this.controlHead === this.control.length) {
      // Emptied in place: a fresh array per batch would be one more object for the GC on every flush.
      this.control.length = 0;
      this.controlHead = 0;
    } else if (this.controlHead > 1024) {
      this.control = this.control.slice(this.controlHead);
      this.controlHead = 0;
    }
    const underBatch = (): boolean => taken < maxBytes || out.length === first;
    let audio = 0;
    // Round-robin over senders, oldest frame of each first, so one talker cannot starve another.
    while (this.audioBytes > 0 && audio < room.audio && underBatch()) {
      for (const [sender, frames] of this.audio) {
        const bytes = frames.shift();
        if (frames.length === 0) this.audio.delete(sender);
        if (!bytes) continue;
        out.push(bytes);
        taken += bytes.length;
        audio += bytes.length;
        this.audioBytes -= bytes.length;
      }
    }
    let video = 0;
    for (const [sender, bytes] of this.video) {
      if (!underBatch() || video >= room.video) break;
      if (video + bytes.length > room.video && !(room.pipeEmpty && video === 0)) continue;
      out.push(bytes);
      taken += bytes.length;
      video += bytes.length;
      this.videoBytes -= bytes.length;
      this.video.delete(sender);
    }
    return out;
  }

  /** Forgets everything queued (connection closed): memory is released at once. */
  clear(): void {
    this.control = [];
    this.controlHead = 0;
    this.controlBytes = 0;
    this.audio.clear();
    this.audioBytes = 0;
    this.video.clear();
    this.videoBytes = 0;
  }
}
