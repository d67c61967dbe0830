import { createAudioEncoder, isSupportedAudioCodec, type AudioEncoder } from '../media/audio/codec.js';
import type { AudioSource } from '../media/audio/format.js';
import { jpegForFrame } from '../media/video/frames.js';
import { createJpegEncoder, type JpegEncoder } from '../media/video/jpeg.js';
import type { CapturedFrame, VideoSource } from '../media/video/source.js';
import { Codec, StreamKind } from '../protocol/index.js';

/** What outgoing media needs of the connection. */
export interface MediaLink {
  readonly joined: boolean;
  /** Bytes not yet accepted by the socket. */
  readonly bufferedAmount: number;
  sendMedia(kind: typeof StreamKind.VIDEO | typeof StreamKind.AUDIO, codec: (typeof Codec)[keyof typeof Codec], payload: Uint8Array, captureTs: number): void;
}

export interface OutgoingMediaEvents {
  /** A captured frame, for the self view (before the camera-off check, so the preview can stay on). */
  onSelfFrame?(frame: CapturedFrame): void;
  /** Your own audio as sent (not while muted), for your speaking indicator. */
  onOwnAudio?(pcm: Int16Array): void;
  onNotice(message: string): void;
}

/**
 * Captures and sends: video frames are JPEG-encoded (or passed through when the source already gives JPEG) and sent
 * only while the link has room, so a slow uplink skips frames instead of queueing them (SPEC §4: late video is
 * dropped). Audio goes as 20 ms frames in the codec the server chose; muted sends nothing.
 */
export class OutgoingMedia {
  private jpegEncoder: JpegEncoder | undefined;
  private audioEncoder: AudioEncoder | undefined;
  private muted = false;
  private cameraOff = false;
  private videoStarted = false;
  private audioStarted = false;
  framesSkipped = 0;
  bytesSent = 0;

  constructor(
    private readonly link: MediaLink,
    private readonly video: VideoSource | undefined,
    private readonly audio: AudioSource | undefined,
    private readonly events: OutgoingMediaEvents,
    /** Skip video while more than this is waiting to be sent. Default 128 KiB. */
    private readonly videoBacklogBytes = 128 * 1024,
  ) {}

  get state(): { muted: boolean; cameraOff: boolean } {
    return { muted: this.muted, cameraOff: this.cameraOff };
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
  }

  setCameraOff(off: boolean): void {
    this.cameraOff = off;
  }

  /** Picks the audio codec the server asked for (after each join) and starts the sources once. */
  start(audioCodec: string): void {
    this.audioEncoder?.close();
    const codec = isSupportedAudioCodec(audioCodec) ? audioCodec : 'pcm';
    this.audioEncoder = createAudioEncoder(codec);
    if (this.video && !this.videoStarted) {
      this.videoStarted = true;
      this.video.start(
        (frame) => this.onVideo(frame),
        (err) => this.events.onNotice(`video source stopped: ${err.message}; the call goes on without video`),
      );
    }
    if (this.audio && !this.audioStarted) {
      this.audioStarted = true;
      this.audio.start(
        (pcm, ts) => this.onAudio(pcm, ts),
        (err) => this.events.onNotice(`audio source stopped: ${err.message}; the call goes on without your audio`),
      );
    }
  }

  async stop(): Promise<void> {
    await Promise.all([this.video?.stop(), this.audio?.stop()]);
    this.audioEncoder?.close();
    this.audioEncoder = undefined;
  }

  private onVideo(frame: CapturedFrame): void {
    this.events.onSelfFrame?.(frame);
    if (this.cameraOff || !this.link.joined) return;
    if (this.link.bufferedAmount > this.videoBacklogBytes) {
      this.framesSkipped += 1;
      return;
    }
    this.jpegEncoder ??= createJpegEncoder();
    const jpeg = jpegForFrame(frame, this.jpegEncoder);
    this.bytesSent += jpeg.length;
    this.link.sendMedia(StreamKind.VIDEO, Codec.JPEG, jpeg, frame.captureTs);
  }

  private onAudio(pcm: Int16Array, captureTs: number): void {
    if (this.muted || !this.link.joined || !this.audioEncoder) return;
    this.events.onOwnAudio?.(pcm);
    const payload = this.audioEncoder.encode(pcm);
    this.bytesSent += payload.length;
    this.link.sendMedia(StreamKind.AUDIO, this.audioEncoder.codec === 'opus' ? Codec.OPUS : Codec.PCM_S16LE, payload, captureTs);
  }
}
