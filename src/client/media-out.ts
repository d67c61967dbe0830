import { createAudioEncoder, isSupportedAudioCodec, type AudioEncoder } from '../media/audio/codec.js';
import { SILENT_FRAME, type AudioSource, type EchoCancellationStats } from '../media/audio/format.js';
import { MutedSpeechReminder } from '../media/audio/muted-speech.js';
import { PushToTalkGate, VoiceGate, type TransmitGate, type TransmitMode } from '../media/audio/voice-gate.js';
import { rgbaForFrame } from '../media/video/frames.js';
import type { RgbaImage } from '../media/video/image.js';
import { createJpegEncoder } from '../media/video/jpeg.js';
import { DEFAULT_VIDEO_BITRATE, VideoRateControl } from '../media/video/rate-control.js';
import { scaleRgba } from '../media/video/scale.js';
import { DEFAULT_VIDEO_OPTIONS, type CapturedFrame, type VideoSource } from '../media/video/source.js';
import { Codec, FrameFlag, StreamKind, type StateMessage } from '../protocol/index.js';
import { VideoHold } from './video-hold.js';
import { VIDEO_LADDER, VideoAdaptation, type VideoAdaptationOptions, type VideoSendState } from './video-ladder.js';

export type { VideoAdaptationOptions, VideoSendState } from './video-ladder.js';

/** What outgoing media needs of the connection. */
export interface MediaLink {
  readonly joined: boolean;
  /** Bytes not yet accepted by the socket. */
  readonly bufferedAmount: number;
  /** Congestion of the uplink from its own queue's drops, 0–2 (docs/protocol.md §5.2); absent counts as 0. */
  readonly uplinkCongestion?: number;
  /** `flags`: FrameFlag bits (docs/protocol.md §2). */
  sendMedia(kind: typeof StreamKind.VIDEO | typeof StreamKind.AUDIO, codec: (typeof Codec)[keyof typeof Codec], payload: Uint8Array, captureTs: number, flags?: number): void;
}

export interface OutgoingMediaEvents {
  /**
   * Every captured frame, for the self view, camera off too (so a preview can stay on); as RGBA when it was decoded
   * for sending, so the picture is decoded once.
   */
  onSelfFrame?(frame: CapturedFrame): void;
  /** Your own audio as sent (silence while muted), for your speaking indicator. */
  onOwnAudio?(pcm: Int16Array): void;
  /** You have been talking for a while with your microphone muted (MutedSpeechReminder). */
  onTalkingWhileMuted?(): void;
  onNotice(message: string): void;
  /**
   * A source stopped (a camera unplugged, a file ffmpeg cannot read, a microphone lost) or came back (a microphone
   * opened again): `state` changed, tell the others.
   */
  onSourcesChanged?(): void;
}

/** How your audio goes out; for stats. */
export interface AudioSendState {
  transmit: TransmitMode;
  /** Your audio is being sent now: you talk (or are within the hangover), or transmission is continuous. */
  sending: boolean;
  /** 20 ms frames not sent because you were silent, since the call started. */
  framesNotSent: number;
  /** Where it comes from and what cleans it ("default microphone, echo cancellation, noise suppression, echo suppression"); null without one. */
  source: string | null;
  /** The microphone was lost and is being opened again: nothing is sent until it is back. */
  reopening?: true;
  /** With a microphone and a speaker: how much of their echo the canceller leaves. */
  echoCancellation?: EchoCancellationStats;
}

/** Options of `OutgoingMedia`. */
export interface OutgoingMediaOptions {
  /** Skip video while more than this is waiting to be sent. Default 128 KiB. */
  videoBacklogBytes?: number;
  /** Timing of the video ladder; tests make it faster. */
  adaptation?: VideoAdaptationOptions;
  /** Monotonic clock. Default `performance.now`. */
  now?: () => number;
  /** Audio only while you talk (`voice`, the default) or always. */
  transmit?: TransmitMode;
  /** Bits per second your video may use at full frame rate (`--video-bitrate`). Default 240,000. */
  videoBitsPerSecond?: number;
  /** You record the call (`--record`): your state says so, and the others show it. */
  recording?: boolean;
}

/**
 * Captures and sends: video frames are JPEG-encoded at the quality the rate control picks for the bitrate (a
 * source's own JPEG too: a camera's or ffmpeg's frames are decoded once, for the self view and the encoder) and sent
 * only while the link has room, so a slow uplink skips frames instead of queueing them (SPEC §4: late video is
 * dropped). Audio goes as 20 ms frames in the codec the server chose, only while you talk unless `transmit` is
 * `continuous` (VoiceGate, docs/protocol.md §4.3); muted sends nothing. Video rides along with the next audio frame
 * (VideoHold).
 */
export class OutgoingMedia {
  private readonly encoder = createJpegEncoder();
  private readonly rateControl: VideoRateControl;
  private readonly bitsPerSecond: number;
  /** The last JPEG frame decoded and its picture: a still source sends the same frame again and again. */
  private lastDecoded: { jpeg: Uint8Array; image: RgbaImage } | undefined;
  private brokenFrameSeen = false;
  private readonly adaptation: VideoAdaptation;
  private readonly remoteCongestion = new Map<number, number>();
  private uplinkLevel = 0;
  private lastSentCaptureTs = Number.NEGATIVE_INFINITY;
  /** Frames not sent because the ladder asked for a lower rate or paused video, or the bitrate ran out. */
  framesAdapted = 0;
  private audioEncoder: AudioEncoder | undefined;
  private muted = false;
  private cameraOff = false;
  private videoStarted = false;
  private audioStarted = false;
  /** Stopped, for good or (audio) for now: the others are told there is none (`noCamera`, `noMicrophone`). */
  private videoLost = false;
  private audioLost = false;
  /** Lost for a while: being opened again (SourceInterruptions). */
  private audioPaused = false;
  /** Video frames not encoded because the uplink's queue was long (more are dropped in the queue: Call's stats). */
  framesSkipped = 0;
  /** Audio frames not sent because you were silent (voice activity transmission). */
  audioFramesNotSent = 0;
  private readonly videoHold: VideoHold;
  /** What decides which frames go: voice activity, the talk key, or nothing (continuous). */
  private readonly gate: TransmitGate | undefined;
  private readonly pushToTalk: PushToTalkGate | undefined;
  private readonly voiceGate: VoiceGate | undefined;
  private readonly transmit: TransmitMode;
  private readonly recording: boolean;
  private readonly mutedSpeech = new MutedSpeechReminder();

  private readonly videoBacklogBytes: number;
  private readonly adaptationOptions: VideoAdaptationOptions;
  private readonly now: () => number;

  constructor(
    private readonly link: MediaLink,
    private readonly video: VideoSource | undefined,
    private readonly audio: AudioSource | undefined,
    private readonly events: OutgoingMediaEvents,
    options: OutgoingMediaOptions = {},
  ) {
    this.videoBacklogBytes = options.videoBacklogBytes ?? 128 * 1024;
    this.adaptationOptions = options.adaptation ?? {};
    const now = (this.now = options.now ?? (() => performance.now()));
    this.bitsPerSecond = options.videoBitsPerSecond ?? DEFAULT_VIDEO_BITRATE;
    this.rateControl = new VideoRateControl({ bitsPerSecond: this.bitsPerSecond, fps: DEFAULT_VIDEO_OPTIONS.fps });
    this.adaptation = new VideoAdaptation(this.adaptationOptions);
    this.transmit = options.transmit ?? 'voice';
    this.recording = options.recording ?? false;
    this.pushToTalk = this.transmit === 'ptt' ? new PushToTalkGate() : undefined;
    this.voiceGate = this.transmit === 'voice' ? new VoiceGate() : undefined;
    this.gate = this.voiceGate ?? this.pushToTalk;
    this.videoHold = new VideoHold((jpeg, captureTs) => {
      if (this.link.joined) this.link.sendMedia(StreamKind.VIDEO, Codec.JPEG, jpeg, captureTs);
    }, now);
  }

  /** A CONGESTION report from the server about one receiver (docs/protocol.md §5.2). */
  setReceiverCongestion(receiverId: number, level: number): void {
    if (level > 0) this.remoteCongestion.set(receiverId, level);
    else this.remoteCongestion.delete(receiverId);
  }

  /** A receiver left, or we reconnected: its reports no longer apply. */
  forgetReceiver(receiverId?: number): void {
    if (receiverId === undefined) this.remoteCongestion.clear();
    else this.remoteCongestion.delete(receiverId);
  }

  /** The connection is gone (reconnecting): what it and its receivers said of congestion no longer holds. */
  linkLost(): void {
    this.forgetReceiver();
    this.uplinkLevel = 0;
  }

  get videoSendState(): VideoSendState {
    const rung = VIDEO_LADDER[this.adaptation.step]!;
    return {
      // Nothing goes out while there is no call to send to (connecting, reconnecting).
      sending: this.link.joined && this.hasVideo && !this.cameraOff && !rung.paused, source: this.hasVideo ? this.video!.description : null,
      step: this.adaptation.step, fps: rung.fps, quality: Math.min(rung.maxQuality, this.rateControl.quality),
      bitrateKbps: Math.round(this.bitsPerSecond / 1000), scale: rung.scale * this.rateControl.scale, paused: rung.paused,
      remoteCongestion: Math.max(0, ...this.remoteCongestion.values()), uplinkCongestion: this.uplinkLevel,
    };
  }

  get audioSendState(): AudioSendState {
    return {
      transmit: this.transmit,
      sending: this.link.joined && this.hasAudio && !this.muted && (this.gate?.open ?? true),
      framesNotSent: this.audioFramesNotSent,
      source: this.audio?.description ?? null,
      ...(this.audioPaused ? { reopening: true } : {}),
      ...(this.audio?.echoCancellation ? { echoCancellation: this.audio.echoCancellation() } : {}),
    };
  }

  /**
   * What you chose with m and v, whatever the sources do: a microphone lost for a while shows as muted to the others,
   * and muting meanwhile must still mute it for when it is back.
   */
  get chosen(): { muted: boolean; cameraOff: boolean } {
    return { muted: this.muted, cameraOff: this.cameraOff };
  }

  /** What the others are told (STATE, docs/protocol.md §3): without a source (now), muted or camera off. */
  get state(): StateMessage {
    return {
      muted: this.muted || !this.hasAudio,
      cameraOff: this.cameraOff || !this.hasVideo,
      ...(this.hasAudio ? {} : { noMicrophone: true }),
      ...(this.hasVideo ? {} : { noCamera: true }),
      ...(this.recording ? { recording: true } : {}),
    };
  }

  private get hasVideo(): boolean {
    return this.video !== undefined && !this.videoLost;
  }

  private get hasAudio(): boolean {
    return this.audio !== undefined && !this.audioLost;
  }

  setMuted(muted: boolean): void {
    if (!muted) this.mutedSpeech.reset();
    this.muted = muted;
  }

  /** Push-to-talk (`--transmit ptt`): the talk key went down or up. Ignored in the other modes. */
  setTalkKeyHeld(held: boolean): void {
    if (!this.pushToTalk) return;
    // The reminder keeps its 20 s spacing across presses: a word finished after letting go must not bring it back.
    this.pushToTalk.held = held;
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
        (err) => {
          this.videoLost = true;
          this.events.onNotice(`video source stopped: ${err.message.replace(/\.$/, '')}; the call goes on without video`);
          this.events.onSourcesChanged?.();
        },
      );
    }
    if (this.audio && !this.audioStarted) {
      this.audioStarted = true;
      // A message says what happened (a device's: "the microphone sent no sound for 2 s: …"); the notice, the rest.
      const why = (err: Error): string => err.message.replace(/\.$/, '');
      this.audio.start(
        (pcm, ts) => this.onAudio(pcm, ts),
        (err) => this.audioChanged(true, false, `audio source stopped — the call goes on without your audio (${why(err)})`),
        {
          paused: (err) => this.audioChanged(true, true, `microphone lost — the call goes on without your audio, which comes back with it (${why(err)})`),
          resumed: () => this.audioChanged(false, false, 'microphone back: sending your audio again'),
        },
      );
    }
  }

  private audioChanged(lost: boolean, paused: boolean, notice: string): void {
    [this.audioLost, this.audioPaused] = [lost, paused];
    this.events.onNotice(notice);
    this.events.onSourcesChanged?.();
  }

  async stop(): Promise<void> {
    this.videoHold.clear();
    await Promise.all([this.video?.stop(), this.audio?.stop()]);
    this.audioEncoder?.close();
    this.audioEncoder = undefined;
  }

  private onVideo(captured: CapturedFrame): void {
    if (!this.willSend(captured.captureTs)) {
      // Not sent: the self view decodes it if it shows it (not while the camera is off).
      this.events.onSelfFrame?.(captured);
      return;
    }
    let frame: CapturedFrame & { type: 'rgba' };
    try {
      frame = { type: 'rgba', ...this.pictureOf(captured), captureTs: captured.captureTs };
    } catch (err) {
      // Said once: a camera that sends broken frames sends many.
      if (!this.brokenFrameSeen) this.events.onNotice(`a video frame from your camera could not be read (${(err as Error).message}); such frames are skipped`);
      this.brokenFrameSeen = true;
      return;
    }
    // Decoded once, for the encoder and the self view.
    this.events.onSelfFrame?.(frame);
    const rung = VIDEO_LADDER[this.adaptation.step]!;
    const quality = Math.min(rung.maxQuality, this.rateControl.quality);
    let jpeg: Uint8Array;
    try {
      jpeg = this.encode(frame, quality, rung.scale * this.rateControl.scale);
    } catch (err) {
      this.events.onNotice(`a video frame could not be encoded (${(err as Error).message})`);
      return;
    }
    this.rateControl.encoded(jpeg.length, quality === this.rateControl.quality && rung.scale === 1);
    this.lastSentCaptureTs = frame.captureTs;
    this.videoHold.offer(jpeg, frame.captureTs);
  }

  /**
   * Whether the frame captured at `captureTs` goes out: joined with the camera on, and neither the ladder (its frame
   * rate, or video paused), a full uplink nor the bitrate holds it back. Counts the frames held back.
   */
  private willSend(captureTs: number): boolean {
    if (this.cameraOff || !this.link.joined) return false;
    this.adapt();
    const rung = VIDEO_LADDER[this.adaptation.step]!;
    // The top rung sends at the source's own rate; lower rungs thin it by capture time.
    const early = this.adaptation.step > 0 && captureTs - this.lastSentCaptureTs < (1000 / rung.fps) * 0.9;
    if (rung.paused || early) {
      this.framesAdapted += 1;
      return false;
    }
    if (this.link.bufferedAmount > this.videoBacklogBytes) {
      this.framesSkipped += 1;
      return false;
    }
    if (!this.rateControl.admit(captureTs)) {
      this.framesAdapted += 1;
      return false;
    }
    return true;
  }

  /** Moves on the ladder from the worst of the receivers' reports and our own uplink's backlog. */
  private adapt(): void {
    const buffered = this.link.bufferedAmount;
    const uplinkCongested = this.adaptationOptions.uplinkCongestedBytes ?? 32 * 1024;
    const uplinkSevere = this.adaptationOptions.uplinkSevereBytes ?? 96 * 1024;
    // Two signs of a congested uplink: our queue dropping frames, and (without ACK flow control, where the queue
    // stays empty and the socket buffer grows instead) bytes piling up unsent.
    this.uplinkLevel = Math.max(this.link.uplinkCongestion ?? 0, buffered > uplinkSevere ? 2 : buffered > uplinkCongested ? 1 : 0);
    const level = Math.max(this.uplinkLevel, ...this.remoteCongestion.values());
    const wasPaused = VIDEO_LADDER[this.adaptation.step]!.paused;
    if (!this.adaptation.update(level, this.now())) return;
    const paused = VIDEO_LADDER[this.adaptation.step]!.paused;
    if (paused && !wasPaused) this.events.onNotice('video paused to protect audio: the connection is congested');
    if (!paused && wasPaused) this.events.onNotice('video resumed: the connection has room again');
  }

  /**
   * The captured picture: RGBA as is; a JPEG (cameras, ffmpeg, stills) decoded, once per distinct frame.
   * @throws JpegInvalidError or JpegTooLargeError for a JPEG that cannot be decoded.
   */
  private pictureOf(frame: CapturedFrame): RgbaImage {
    if (frame.type === 'rgba') return frame;
    if (this.lastDecoded?.jpeg !== frame.data) this.lastDecoded = { jpeg: frame.data, image: rgbaForFrame(frame) };
    return this.lastDecoded.image;
  }

  /** JPEG at `quality` and the rung's scale. */
  private encode(image: RgbaImage, quality: number, scale: number): Uint8Array {
    if (scale === 1) return this.encoder.encode(image, quality);
    const scaled = scaleRgba(image, Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)));
    return this.encoder.encode(scaled, quality);
  }

  private onAudio(pcm: Int16Array, captureTs: number): void {
    // A microphone being opened again sends a second before it counts as back: the others are told it is not there.
    if (!this.link.joined || !this.audioEncoder || this.audioLost) return;
    if (this.muted) {
      // Muted, you send nothing and so are not speaking: your indicator hears silence and goes out, and so does the
      // gate, so unmuting opens a new talk spurt with your first word.
      this.events.onOwnAudio?.(SILENT_FRAME);
      this.gate?.decide(SILENT_FRAME);
      if (this.mutedSpeech.onMutedFrame(pcm, this.now())) this.events.onTalkingWhileMuted?.();
      return;
    }
    // Push-to-talk with the key up is muted but for the last frame of a spurt: the same silence and reminder.
    const keyUp = this.pushToTalk !== undefined && !this.pushToTalk.held;
    this.events.onOwnAudio?.(keyUp ? SILENT_FRAME : pcm);
    if (keyUp && this.mutedSpeech.onMutedFrame(pcm, this.now())) this.events.onTalkingWhileMuted?.();
    const decision = this.voiceGate?.decide(pcm, captureTs) ?? this.gate?.decide(pcm) ?? 'send';
    if (decision === 'skip') {
      // Not encoded either: the encoder then sees exactly the frames the receivers' decoders see (Opus is stateful).
      this.audioFramesNotSent += 1;
      return;
    }
    // A spurt that just opened starts with its soft onset, kept back by the gate: in order, before this frame.
    for (const held of this.voiceGate?.takeHeldOnset() ?? []) {
      this.audioFramesNotSent -= 1;
      this.sendAudio(this.audioEncoder, held.pcm, held.captureTs, FrameFlag.PREROLL);
    }
    this.sendAudio(this.audioEncoder, pcm, captureTs, decision === 'send-last' ? FrameFlag.SPURT_END : 0);
    this.videoHold.audioSent();
  }

  private sendAudio(encoder: AudioEncoder, pcm: Int16Array, captureTs: number, flags: number): void {
    const payload = encoder.encode(pcm);
    const codec = encoder.codec === 'opus' ? Codec.OPUS : Codec.PCM_S16LE;
    this.link.sendMedia(StreamKind.AUDIO, codec, payload, captureTs, flags);
  }
}
