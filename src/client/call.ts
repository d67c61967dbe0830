import type { AudioSource } from '../media/audio/format.js';
import type { RgbaImage } from '../media/video/image.js';
import type { CapturedFrame, VideoSource } from '../media/video/source.js';
import { Reason, mediaStateOf, type ChatEntry, type ParticipantInfo, type StateMessage, type WelcomeMessage } from '../protocol/index.js';
import { SYSTEM_CLOCK, type Clock } from '../util/clock.js';
import { ServerClock } from './server-clock.js';
import { backoffDelayMs } from './backoff.js';
import type { TrustNotice } from './connect.js';
import { CallChat } from './call-chat.js';
import { CallEndedError, EndKind } from './errors.js';
import { IncomingMedia, type ReceivedAudioTiming, type RemoteStreamStats } from './media-in.js';
import type { TransmitMode } from '../media/audio/voice-gate.js';
import { OutgoingMedia, type AudioSendState, type VideoAdaptationOptions, type VideoSendState } from './media-out.js';
import type { Recorder } from './recorder.js';
import { Session, type SessionOptions } from './session.js';

/** How long a client that was in a call keeps trying to get back into it (README, docs/protocol.md §4.3). */
const RECONNECT_FOR_MS = 120_000;

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
   * Stopped when the call ends, alongside its own sources: the speaker. Each device takes a moment to close, so
   * they close together rather than one after the other.
   */
  stopWith?: () => Promise<void>;
}

export type CallStatus = 'connecting' | 'joined' | 'reconnecting' | 'ended';

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
  | { type: 'status'; status: CallStatus; detail?: string; attempt?: number; retryInMs?: number }
  | { type: 'trust'; trust: TrustNotice }
  | { type: 'joined'; welcome: WelcomeMessage; rejoined: boolean }
  | { type: 'participant-joined'; participant: ParticipantInfo }
  | { type: 'participant-left'; id: number; name: string; reason: string }
  | { type: 'chat'; entry: ChatEntry }
  | { type: 'state'; participant: ParticipantInfo }
  | { type: 'video'; id: number; image: RgbaImage; captureTs: number }
  | { type: 'self-video'; frame: CapturedFrame }
  | { type: 'stats'; stats: CallStats }
  | { type: 'notice'; message: string }
  /** You have been talking with your microphone muted (MutedSpeechReminder): the screen reminds you. */
  | { type: 'talking-while-muted' }
  | { type: 'ended'; error: CallEndedError };

/**
 * A participant's whole call: the session (re-created to reconnect, with backoff and jitter, under the same name),
 * outgoing and incoming media, stats and recording. Consumers (headless JSON, the TUI) only see CallEvents.
 */
export class Call {
  private readonly listeners = new Set<(event: CallEvent) => void>();
  private readonly clock: Clock;
  /** One estimate of the server's clock for every connection of the call: a reconnect keeps what was measured. */
  private readonly serverClock = new ServerClock();
  private readonly outgoing: OutgoingMedia;
  private readonly incoming: IncomingMedia;
  private session: Session | undefined;
  private readonly chat: CallChat;
  private readonly participantsById = new Map<number, ParticipantInfo>();
  private selfId = 0;
  private resumeToken: string | undefined;
  private rttMs: number | null = null;
  private statsTimer: NodeJS.Timeout | undefined;
  private lastStatsAt = 0;
  private lastBytesSent = 0;
  /** What the connections before this one wrote and dropped: the stats count the whole call. */
  private earlierLinks = { bytesDelivered: 0, videoFramesDropped: 0 };
  private retryTimer: NodeJS.Timeout | undefined;
  private leaving = false;
  private ended = false;
  private everJoined = false;
  private lostAt: number | undefined;
  /**
   * When the server was last heard from before the loss: a laptop that slept 90 s notices the dead link only when it
   * wakes, and was away the 90 s, not the 0.4 s the reconnect took. (lostAt, when it was noticed, times the retries.)
   */
  private awaySince: number | undefined;
  private receiveVideo: boolean;

  constructor(private readonly options: CallOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.receiveVideo = options.receiveVideo ?? true;
    // Chat lines are stamped by the server; our own, recorded as sent, on its clock too.
    const serverClock = { wallMs: () => this.serverWallMs() };
    this.chat = new CallChat({
      session: () => this.session,
      selfId: () => this.selfId,
      recorder: options.recorder,
      clock: serverClock,
      received: (entry) => this.emit({ type: 'chat', entry }),
      notice: (message) => this.emitNotice(message),
    });
    this.outgoing = new OutgoingMedia(
      {
        get joined() {
          return link()?.status === 'joined';
        },
        get bufferedAmount() {
          return link()?.bufferedAmount ?? 0;
        },
        get uplinkCongestion() {
          return link()?.uplinkCongestion ?? 0;
        },
        sendMedia: (kind, codec, payload, ts, flags) => this.session?.sendMedia(kind, codec, payload, ts, flags),
      },
      options.video,
      options.audio,
      {
        onSelfFrame: (frame) => this.emit({ type: 'self-video', frame }),
        ...(options.onOwnAudio ? { onOwnAudio: options.onOwnAudio } : {}),
        onTalkingWhileMuted: () => this.emit({ type: 'talking-while-muted' }),
        onNotice: (message) => this.emit({ type: 'notice', message }),
        onSourcesChanged: () => this.session?.setState(this.outgoing.state),
      },
      {
        ...(options.adaptation ? { adaptation: options.adaptation } : {}),
        ...(options.transmit ? { transmit: options.transmit } : {}),
        ...(options.videoBitsPerSecond ? { videoBitsPerSecond: options.videoBitsPerSecond } : {}),
        ...(options.recorder ? { recording: true } : {}),
      },
    );
    const link = (): Session | undefined => this.session;
    const decodeVideo = options.decodeVideo ?? true;
    this.incoming = new IncomingMedia(
      {
        onVideo: (id: number, image: RgbaImage, captureTs: number) => this.emit({ type: 'video', id, image, captureTs }),
        ...(options.onRemoteAudio ? { onAudio: options.onRemoteAudio } : {}),
        onNotice: (message) => this.emit({ type: 'notice', message }),
      },
      options.recorder,
      // The server's clock, as frames are stamped in it (ServerClock).
      () => this.serverWallMs(),
      decodeVideo,
    );
    if (!this.receiveVideo) this.incoming.setVideoWanted(false);
  }

  on(listener: (event: CallEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get participants(): ParticipantInfo[] {
    return [...this.participantsById.values()];
  }

  /** Which sources this call has: without one, unmuting or turning the camera on has nothing to send. */
  get sources(): { video: boolean; audio: boolean } {
    return { video: this.options.video !== undefined, audio: this.options.audio !== undefined };
  }

  get self(): { id: number } & StateMessage {
    return { id: this.selfId, ...this.outgoing.state };
  }

  /** Your microphone was lost and is being opened again (OutgoingMedia's audio send state). */
  get microphoneReopening(): boolean {
    return this.outgoing.audioSendState.reopening === true;
  }

  /** Muted and camera off as you chose them (m, v), whatever the sources do now (OutgoingMedia.chosen). */
  get chosen(): { muted: boolean; cameraOff: boolean } {
    return this.outgoing.chosen;
  }

  /** Starts connecting; progress and the end arrive as events. */
  start(): void {
    this.emit({ type: 'status', status: 'connecting' });
    this.connect(0);
    const interval = this.options.statsIntervalMs ?? 2000;
    this.lastStatsAt = this.clock.wallMs();
    this.statsTimer = setInterval(() => this.emitStats(), interval);
  }

  /** Shows a message through the same path as the call's own notices (e.g. what a source fell back to). */
  emitNotice(message: string): void {
    this.emit({ type: 'notice', message });
  }

  /** Sends a chat message (call-chat.ts). */
  sendChat(text: string): void {
    this.chat.send(text);
  }

  /** Chat messages written but not yet sent: paced out, or waiting for the join. */
  get chatWaiting(): number {
    return this.chat.waiting;
  }

  setMuted(muted: boolean): void {
    this.outgoing.setMuted(muted);
    this.session?.setState(this.outgoing.state);
  }

  setCameraOff(off: boolean): void {
    this.outgoing.setCameraOff(off);
    this.session?.setState(this.outgoing.state);
  }

  /** Whether the others' video is coming (false: audio only, `setReceiveVideo`). */
  get receivingVideo(): boolean {
    return this.receiveVideo;
  }

  /**
   * Audio only, or video again. The server stops sending video (docs/protocol.md §4.5), which frees the link for
   * audio; a server too old for that keeps sending it, and it is dropped here (the screen and CPU still gain).
   * Kept across reconnects.
   */
  setReceiveVideo(video: boolean): void {
    if (video === this.receiveVideo) return;
    this.receiveVideo = video;
    this.incoming.setVideoWanted(video);
    if (!video) return this.askForAudioOnly();
    this.session?.setReceiveVideo(true);
  }

  private askForAudioOnly(): void {
    if (this.session?.canStopVideo) return this.session.setReceiveVideo(false);
    if (this.session?.status === 'joined') {
      this.emit({ type: 'notice', message: 'this server is too old to stop sending you video: it is dropped on arrival instead (your link still carries it)' });
    }
  }

  /** How your audio goes out (`--transmit`): the call screen binds the talk key for `ptt`. */
  get transmit(): TransmitMode {
    return this.options.transmit ?? 'voice';
  }

  /**
   * Push-to-talk: the talk key is down or up. Nothing is announced: the others see you talk, as with voice activity,
   * not a mute that flips with every sentence.
   */
  setTalkKeyHeld(held: boolean): void {
    this.outgoing.setTalkKeyHeld(held);
  }

  /** Leaves cleanly; resolves after the `ended` event. */
  async leave(): Promise<void> {
    if (this.ended) return;
    this.leaving = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.session && this.session.status !== 'ended') await this.session.leave();
    await this.finish(new CallEndedError(EndKind.LEFT, 'leave', 'left the call'));
  }

  private connect(attempt: number): void {
    if (this.session) {
      this.earlierLinks.bytesDelivered += this.session.bytesDelivered;
      this.earlierLinks.videoFramesDropped += this.session.videoFramesDropped;
    }
    const session = new Session({
      ...this.options.session,
      ...(this.resumeToken ? { resumeToken: this.resumeToken } : {}),
      serverClock: this.serverClock,
      initialState: () => this.outgoing.state,
    });
    this.session = session;
    session.on((event) => {
      if (this.session !== session) return;
      switch (event.type) {
        case 'trust':
          return this.emit({ type: 'trust', trust: event.trust });
        case 'joined':
          return this.onJoined(event.welcome);
        case 'participant-joined':
          this.participantsById.set(event.participant.id, event.participant);
          this.incoming.addParticipant(event.participant.id, event.participant.name);
          return this.emit(event);
        case 'participant-left':
          this.participantsById.delete(event.id);
          this.incoming.removeParticipant(event.id);
          this.outgoing.forgetReceiver(event.id);
          return this.emit(event);
        case 'congestion':
          // About us: our own link is too slow for the others' video, and the server has stopped sending it to us
          // (docs/protocol.md §5.2). Nothing for our sending to adapt to.
          if (event.receiverId === this.selfId) return this.onVideoWithheld(event.level > 0);
          return this.outgoing.setReceiverCongestion(event.receiverId, event.level);
        case 'chat':
          return this.chat.received(event.entry);
        case 'state': {
          const p = this.participantsById.get(event.id);
          if (!p) return;
          // Replaced whole: a participant whose microphone came back has no `noMicrophone` any more.
          const updated: ParticipantInfo = { id: p.id, name: p.name, ...mediaStateOf(event) };
          // A STATE that changes nothing (sent again after a rejoin, or as its join already said) is no news.
          if (JSON.stringify(mediaStateOf(p)) === JSON.stringify(mediaStateOf(updated))) return;
          this.participantsById.set(p.id, updated);
          return this.emit({ type: 'state', participant: { ...updated } });
        }
        case 'media':
          return this.incoming.onFrame(event.frame, event.receivedAt);
        case 'rtt':
          this.rttMs = Math.round(event.ms * 10) / 10;
          return;
        case 'ended':
          return this.onSessionEnded(event.error, attempt);
      }
    });
    session.start().catch(() => {
      // Reported through the 'ended' event above.
    });
  }

  private onVideoWithheld(withheld: boolean): void {
    this.emit({
      type: 'notice',
      message: withheld
        ? 'your connection is too slow for the others\' video: the server sends you their audio only for now'
        : 'the others\' video is coming again',
    });
  }

  private onJoined(welcome: WelcomeMessage): void {
    const rejoined = this.everJoined;
    this.everJoined = true;
    this.selfId = welcome.id;
    this.resumeToken = welcome.resumeToken;
    this.participantsById.clear();
    this.incoming.clear();
    for (const p of welcome.participants) {
      this.participantsById.set(p.id, { ...p });
      this.incoming.addParticipant(p.id, p.name);
    }
    this.outgoing.forgetReceiver();
    this.outgoing.start(welcome.audioCodec);
    const state = this.outgoing.state;
    // Also after a HELLO that carried it: a server older than HELLO `state` ignores that field, and a change made
    // during the handshake (m pressed while connecting) went nowhere.
    if (state.muted || state.cameraOff) this.session?.setState(state);
    if (!this.receiveVideo) this.askForAudioOnly();
    this.emit({ type: 'status', status: 'joined', ...(rejoined ? { detail: 'reconnected' } : {}) });
    this.emit({ type: 'joined', welcome, rejoined });
    if (rejoined) {
      const away = this.awaySince === undefined ? undefined : (this.clock.wallMs() - this.awaySince) / 1000;
      this.emit({ type: 'notice', message: `reconnected to room ${welcome.room} as ${welcome.name}${away === undefined ? '' : ` after ${away.toFixed(1)} s`}` });
    }
    this.lostAt = undefined;
    this.awaySince = undefined;
    // After the join is told: what was said while we were away comes in after "reconnected", not before it.
    this.chat.joined(welcome, rejoined);
  }

  private onSessionEnded(error: CallEndedError, attempt: number): void {
    if (this.ended || this.leaving) return;
    // The last round trip says nothing about a connection that is gone: none until the next one measures its own.
    this.rttMs = null;
    // Locked out by failed logins from our address (others behind the same NAT) while coming back: the lock lasts a
    // minute, inside the time we keep trying, so it is waited out rather than taken as a refusal.
    const lockedOutOnReturn = this.everJoined && error.code === Reason.RATE_LIMITED;
    const retryable = error.kind === EndKind.NETWORK || lockedOutOnReturn || (error.kind === EndKind.SERVER_CLOSED && error.code !== 'call-ended');
    // A session that had joined starts a fresh series of attempts.
    const nextAttempt = this.session?.welcome ? 0 : attempt + 1;
    const now = this.clock.wallMs();
    if (this.everJoined) {
      this.lostAt ??= now;
      this.awaySince ??= now - (this.session?.heardAgoMs ?? 0);
    }
    // After a join, trying goes on for a time (a server restart), not for a number of attempts.
    const reconnectForMs = this.options.reconnectForMs ?? RECONNECT_FOR_MS;
    const triedForMs = now - (this.lostAt ?? now);
    const connectAttempts = this.options.connectAttempts ?? 3;
    if (!retryable || (this.everJoined ? triedForMs >= reconnectForMs : nextAttempt >= connectAttempts)) {
      const tried = this.everJoined ? `${Math.round(triedForMs / 1000)} s of trying` : `${connectAttempts} attempt${connectAttempts === 1 ? '' : 's'}`;
      const finalError = retryable && error.kind === EndKind.NETWORK ? new CallEndedError(EndKind.NETWORK, error.code, `${error.message}; gave up after ${tried}`) : error;
      void this.finish(finalError);
      return;
    }
    if (this.everJoined) {
      for (const p of this.participantsById.values()) this.emit({ type: 'participant-left', id: p.id, name: p.name, reason: 'reconnecting' });
      this.participantsById.clear();
      this.incoming.clear();
      this.outgoing.linkLost();
    }
    const backoff = this.options.backoff ?? backoffDelayMs;
    // The last attempt is made when the time is up, not up to a delay after it.
    const delay = this.everJoined ? Math.min(backoff(nextAttempt), Math.max(0, reconnectForMs - triedForMs)) : backoff(nextAttempt);
    this.emit({ type: 'status', status: this.everJoined ? 'reconnecting' : 'connecting', detail: error.message, attempt: nextAttempt, retryInMs: delay });
    this.retryTimer = setTimeout(() => this.connect(nextAttempt), delay);
  }

  /**
   * The server's wall clock as this participant estimates it (ServerClock, over all its connections): media and chat
   * are stamped in it, so a recording's files line up whatever this machine's clock says.
   */
  serverWallMs(): number {
    return this.clock.wallMs() + this.serverClock.offsetMs;
  }

  private emitStats(): void {
    const now = this.clock.wallMs();
    const windowMs = Math.max(1, now - this.lastStatsAt);
    this.lastStatsAt = now;
    // What reached the server, not what was handed to the queue: frames a slow uplink dropped never left, and bytes
    // written into a stalled path's buffers have not arrived.
    const sent = this.earlierLinks.bytesDelivered + (this.session?.bytesDelivered ?? 0);
    const uplinkKbps = Math.round(((sent - this.lastBytesSent) * 8) / windowMs * 10) / 10;
    this.lastBytesSent = sent;
    const droppedInQueue = this.earlierLinks.videoFramesDropped + (this.session?.videoFramesDropped ?? 0);
    this.emit({
      type: 'stats',
      stats: {
        streams: this.incoming.takeStats(windowMs),
        // A ping unanswered for longer than the last round trip took (a stalled link) makes that figure stale.
        rttMs: this.rttMs === null ? null : Math.max(this.rttMs, Math.round((this.session?.unansweredPingMs ?? 0) * 10) / 10),
        uplinkKbps,
        videoFramesSkipped: this.outgoing.framesSkipped + droppedInQueue,
        videoFramesAdapted: this.outgoing.framesAdapted,
        videoSend: this.outgoing.videoSendState,
        audioSend: this.outgoing.audioSendState,
      },
    });
  }

  private async finish(error: CallEndedError): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.chat.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    // The recording first: it must be complete even if a source (a camera, ffmpeg) is slow to stop.
    this.incoming.clear();
    this.options.recorder?.close();
    await Promise.all([this.outgoing.stop(), this.options.stopWith?.()]);
    this.emit({ type: 'status', status: 'ended', detail: error.message });
    this.emit({ type: 'ended', error });
  }

  private emit(event: CallEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
