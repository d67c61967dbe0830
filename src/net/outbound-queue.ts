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

/** Where `takeBatch` puts the frames it takes: an array, or a writer. */
export interface FrameSink {
  push(bytes: Uint8Array): unknown;
}

export type EnqueueResult = 'queued' | 'replaced-older' | 'dropped-oldest' | 'overflow';

export interface QueueStats {
  queuedBytes: number;
  droppedVideo: number;
  droppedAudio: number;
  /**
   * Of those, frames that had waited through a flush: the path to this receiver is behind. The others were pushed
   * out by newer frames of the same sender arriving together (a burst after the sender's own link stalled), which
   * says nothing about this receiver (docs/protocol.md §5.2).
   */
  droppedVideoBehind: number;
  droppedAudioBehind: number;
}

/**
 * One sender's media waiting for this connection. Slots live as long as the sender sends (never re-created per
 * frame): at 200 clients the relay queues ~90,000 frames a second, and a Map entry and array per sender per flush
 * was most of the server's garbage (docs/performance.md).
 */
class SenderSlot {
  /** Ring buffer of audio frames, oldest at `audioHead`, and the flush each was queued after. */
  readonly audio: (Uint8Array | undefined)[];
  readonly audioFlush: number[];
  audioHead = 0;
  audioCount = 0;
  video: Uint8Array | undefined = undefined;
  videoFlush = 0;

  constructor(readonly sender: number, audioCapacity: number) {
    this.audio = new Array<Uint8Array | undefined>(audioCapacity).fill(undefined);
    this.audioFlush = new Array<number>(audioCapacity).fill(0);
  }

  get isEmpty(): boolean {
    return this.audioCount === 0 && this.video === undefined;
  }

  /** The flush the oldest audio frame was queued after, or -1 when there is room for one more. */
  get fullSinceFlush(): number {
    return this.audioCount === this.audio.length ? this.audioFlush[this.audioHead]! : -1;
  }

  /** Adds an audio frame queued after `flush`; returns the oldest one when it had to make room. */
  pushAudio(bytes: Uint8Array, flush: number): Uint8Array | undefined {
    const capacity = this.audio.length;
    let dropped: Uint8Array | undefined;
    if (this.audioCount === capacity) {
      dropped = this.shiftAudio();
    }
    const at = (this.audioHead + this.audioCount) % capacity;
    this.audio[at] = bytes;
    this.audioFlush[at] = flush;
    this.audioCount += 1;
    return dropped;
  }

  shiftAudio(): Uint8Array | undefined {
    if (this.audioCount === 0) return undefined;
    const bytes = this.audio[this.audioHead];
    this.audio[this.audioHead] = undefined;
    this.audioHead = (this.audioHead + 1) % this.audio.length;
    this.audioCount -= 1;
    return bytes;
  }
}

/** Empty slots of senders that left are dropped once they are this many and the majority. */
const PRUNE_EMPTY_SLOTS = 16;

export class OutboundQueue {
  private readonly controlCap: number;
  private readonly audioPerSender: number;
  private control: Uint8Array[] = [];
  private controlHead = 0;
  private controlBytes = 0;
  /** Per-sender media, in a stable order for round-robin; `slotOf` finds a sender's slot. */
  private slots: SenderSlot[] = [];
  private readonly slotOf = new Map<number, SenderSlot>();
  /** Where the next video scan starts: after the sender served last, so no sender is always first or last. */
  private videoCursor = 0;
  private audioBytes = 0;
  private videoBytes = 0;
  private droppedVideo = 0;
  private droppedAudio = 0;
  private droppedVideoBehind = 0;
  private droppedAudioBehind = 0;
  /** Flushes so far: a frame queued before the latest one has waited through it. */
  private flushes = 0;

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
    return {
      queuedBytes: this.queuedBytes, droppedVideo: this.droppedVideo, droppedAudio: this.droppedAudio,
      droppedVideoBehind: this.droppedVideoBehind, droppedAudioBehind: this.droppedAudioBehind,
    };
  }

  /** The owner flushed (took what the socket would take): whatever is still here has waited through a flush. */
  flushed(): void {
    this.flushes += 1;
  }

  /** Adds an encoded frame; `sender` keys the per-sender media queues. */
  enqueue(kind: StreamKindValue, sender: number, bytes: Uint8Array): EnqueueResult {
    switch (kind) {
      case StreamKind.VIDEO: {
        const slot = this.slot(sender);
        const older = slot.video;
        const olderWaited = older !== undefined && slot.videoFlush < this.flushes;
        slot.video = bytes;
        slot.videoFlush = this.flushes;
        this.videoBytes += bytes.length - (older?.length ?? 0);
        if (older) {
          this.droppedVideo += 1;
          if (olderWaited) this.droppedVideoBehind += 1;
          return 'replaced-older';
        }
        return 'queued';
      }
      case StreamKind.AUDIO: {
        const slot = this.slot(sender);
        const oldestFlush = slot.fullSinceFlush;
        const dropped = slot.pushAudio(bytes, this.flushes);
        this.audioBytes += bytes.length;
        if (dropped) {
          this.audioBytes -= dropped.length;
          this.droppedAudio += 1;
          if (oldestFlush < this.flushes) this.droppedAudioBehind += 1;
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
   * Frames go to `out.push` in order (default: a new array): a writer can pass a sink that writes each frame to the
   * socket at once, so no batch array is built per flush.
   */
  takeBatch<Sink extends FrameSink = Uint8Array[]>(maxBytes: number, room: MediaRoom = UNLIMITED_ROOM, out: Sink = [] as unknown as Sink): Sink {
    let frames = 0;
    let taken = 0;
    while (this.controlHead < this.control.length && (taken < maxBytes || frames === 0)) {
      const bytes = this.control[this.controlHead++]!;
      out.push(bytes);
      frames += 1;
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
    const slots = this.slots;
    let audio = 0;
    // Round-robin over senders, oldest frame of each first, so one talker cannot starve another.
    while (this.audioBytes > 0 && audio < room.audio && (taken < maxBytes || frames === 0)) {
      for (let i = 0; i < slots.length; i++) {
        const bytes = slots[i]!.shiftAudio();
        if (!bytes) continue;
        out.push(bytes);
        frames += 1;
        taken += bytes.length;
        audio += bytes.length;
        this.audioBytes -= bytes.length;
      }
    }
    let video = 0;
    const count = slots.length;
    const start = this.videoCursor;
    for (let k = 0; k < count && this.videoBytes > 0; k++) {
      if (!(taken < maxBytes || frames === 0) || video >= room.video) break;
      const index = (start + k) % count;
      const slot = slots[index]!;
      const bytes = slot.video;
      if (!bytes) continue;
      if (video + bytes.length > room.video && !(room.pipeEmpty && video === 0)) continue;
      out.push(bytes);
      frames += 1;
      taken += bytes.length;
      video += bytes.length;
      this.videoBytes -= bytes.length;
      slot.video = undefined;
      this.videoCursor = (index + 1) % count;
    }
    return out;
  }

  /** Forgets everything queued (connection closed): memory is released at once. */
  clear(): void {
    this.control = [];
    this.controlHead = 0;
    this.controlBytes = 0;
    this.slots = [];
    this.slotOf.clear();
    this.videoCursor = 0;
    this.audioBytes = 0;
    this.videoBytes = 0;
  }

  private slot(sender: number): SenderSlot {
    const found = this.slotOf.get(sender);
    if (found) return found;
    this.pruneEmptySlots();
    const slot = new SenderSlot(sender, this.audioPerSender);
    this.slots.push(slot);
    this.slotOf.set(sender, slot);
    return slot;
  }

  /** Senders come and go over a long call: drop the slots of those with nothing queued once they pile up. */
  private pruneEmptySlots(): void {
    let empty = 0;
    for (const slot of this.slots) if (slot.isEmpty) empty++;
    if (empty < PRUNE_EMPTY_SLOTS || empty * 2 < this.slots.length) return;
    this.slots = this.slots.filter((slot) => {
      if (!slot.isEmpty) return true;
      this.slotOf.delete(slot.sender);
      return false;
    });
    this.videoCursor = 0;
  }

  /** Senders with a slot (for tests: slots of departed senders do not pile up). */
  get senderSlots(): number {
    return this.slots.length;
  }
}
