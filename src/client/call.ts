import type { RgbaImage } from '../media/video/image.js';
import { mediaStateOf, type ParticipantInfo, type StateMessage, type WelcomeMessage } from '../protocol/index.js';
import { SYSTEM_CLOCK, type Clock } from '../util/clock.js';
import { ServerClock } from './server-clock.js';
import { CallChat } from './call-chat.js';
import { OWN_LINK_LOST, type CallEvent, type CallOptions } from './call-types.js';
import { CallEndedError, EndKind } from './errors.js';
import { IncomingMedia } from './media-in.js';
import type { TransmitMode } from '../media/audio/voice-gate.js';
import { OutgoingMedia } from './media-out.js';
import { PasswordAsks } from './password-asks.js';
import { Rejoin } from './rejoin.js';
import { Roster } from './roster.js';
import { Session } from './session.js';
import { UplinkTotals } from './uplink-totals.js';

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
  private readonly roster = new Roster();
  private selfId = 0;
  private rttMs: number | null = null;
  private statsTimer: NodeJS.Timeout | undefined;
  private uplink: UplinkTotals;
  private retryTimer: NodeJS.Timeout | undefined;
  private leaving = false;
  private ended = false;
  /** Whether the call was in, its resume token, and how long it has been trying to get back. */
  private readonly rejoin: Rejoin;
  private receiveVideo: boolean;
  /** A password asked for (askForPassword) is given by the connections after it, instead of the one given at start. */
  private readonly passwords: PasswordAsks;

  constructor(private readonly options: CallOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.uplink = new UplinkTotals(this.clock.wallMs());
    this.receiveVideo = options.receiveVideo ?? true;
    this.passwords = new PasswordAsks(options.askForPassword === true);
    this.rejoin = new Rejoin(options, options.session.target);
    // Chat lines are stamped by the server; our own, recorded as sent, on its clock too.
    const serverClock = { wallMs: () => this.serverWallMs() };
    this.chat = new CallChat({
      session: () => this.session,
      selfId: () => this.selfId,
      recorder: options.recorder,
      clock: serverClock,
      received: (entry) => this.emit({ type: 'chat', entry }),
      sent: (entry) => this.emit({ type: 'chat-sent', entry }),
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
    return this.roster.all;
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
    this.uplink = new UplinkTotals(this.clock.wallMs());
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

  /** Whether the call ever joined (what was not sent went unsent because the call ended, or never began). */
  get joinedOnce(): boolean {
    return this.rejoin.everJoined;
  }

  /** Chat messages still waiting, oldest first: once the call has ended, those that were never sent. */
  get chatUnsent(): readonly string[] {
    return this.chat.unsent;
  }

  /** Chat messages sent that no answer from the server since proves arrived: after a lost link, their fate unknown. */
  get chatUnconfirmed(): readonly string[] {
    return this.chat.unconfirmed;
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

  /**
   * The answer to `password-needed`: the next connection gives this password; undefined (the user gave up) ends the
   * call with the server's refusal.
   */
  answerPassword(password: string | undefined): void {
    const next = this.passwords.answer(password);
    if (!next || this.ended) return;
    if (next.type === 'give-up') return void this.finish(next.error);
    // The time spent finding the password was not spent trying: the call keeps trying for its full time from here.
    this.rejoin.restartTrying(this.clock.wallMs());
    this.emit({ type: 'status', status: this.rejoin.tryingStatus });
    this.connect(0);
  }

  private connect(attempt: number): void {
    if (this.session) this.uplink.retire(this.session);
    const session = new Session({
      ...this.options.session,
      ...(this.passwords.password !== undefined ? { password: this.passwords.password, passwordFrom: undefined } : {}),
      ...(this.rejoin.resumeToken ? { resumeToken: this.rejoin.resumeToken } : {}),
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
          this.roster.add(event.participant);
          this.incoming.addParticipant(event.participant.id, event.participant.name);
          return this.emit(event);
        case 'participant-left':
          this.roster.remove(event.id);
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
          const participant = this.roster.applyState(event.id, mediaStateOf(event));
          return participant && this.emit({ type: 'state', participant });
        }
        case 'media':
          return this.incoming.onFrame(event.frame, event.receivedAt);
        case 'rtt':
          this.rttMs = Math.round(event.ms * 10) / 10;
          return this.chat.pingAnswered(event.ms);
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
    const { rejoined, resumed } = this.rejoin.joined(welcome.resumeToken);
    this.passwords.joined();
    this.selfId = welcome.id;
    this.roster.reset(welcome.participants);
    this.incoming.clear();
    for (const p of welcome.participants) this.incoming.addParticipant(p.id, p.name);
    this.outgoing.forgetReceiver();
    this.outgoing.start(welcome.audioCodec);
    const state = this.outgoing.state;
    // Also after a HELLO that carried it: a server older than HELLO `state` ignores that field, and a change made
    // during the handshake (m pressed while connecting) went nowhere.
    if (state.muted || state.cameraOff) this.session?.setState(state);
    if (!this.receiveVideo) this.askForAudioOnly();
    this.emit({ type: 'status', status: 'joined', ...(rejoined ? { detail: 'reconnected' } : {}) });
    this.emit({ type: 'joined', welcome, rejoined });
    if (rejoined) this.emit({ type: 'notice', message: this.rejoin.reconnectedNotice(welcome, this.clock.wallMs()) });
    this.rejoin.lossOver();
    // After the join is told: what was said while we were away comes in after "reconnected", not before it.
    this.chat.joined(welcome, rejoined, resumed);
  }

  private onSessionEnded(ended: CallEndedError, attempt: number): void {
    if (this.ended || this.leaving) return;
    // The last round trip says nothing about a connection that is gone: none until the next one measures its own.
    this.rttMs = null;
    const now = this.clock.wallMs();
    const error = this.rejoin.lost(ended, now, this.session?.heardAgoMs ?? 0);
    const askedWhy = this.passwords.ask(error);
    if (askedWhy) {
      // A server restarted with a new password: the call is out of the room until one is given.
      if (this.rejoin.everJoined) this.leftRoom();
      // No attempt is under way or due while the answer is awaited.
      this.emit({ type: 'status', status: this.rejoin.tryingStatus });
      return this.emit({ type: 'password-needed', why: askedWhy, lastTry: this.passwords.lastAsked });
    }
    const step = this.rejoin.nextStep(error, attempt, this.session?.welcome !== undefined, now);
    if (step.type === 'give-up') {
      void this.finish(step.error);
      return;
    }
    if (this.rejoin.everJoined) this.leftRoom();
    this.emit(this.rejoin.retryStatus(step, error));
    this.retryTimer = setTimeout(() => this.connect(step.attempt), step.delayMs);
  }

  /** Out of the room while trying to get back: nobody in it is shown, nothing is sent. */
  private leftRoom(): void {
    for (const p of this.roster.all) this.emit({ type: 'participant-left', id: p.id, name: p.name, reason: OWN_LINK_LOST });
    this.roster.reset();
    this.incoming.clear();
    this.outgoing.linkLost();
  }

  /**
   * The server's wall clock as this participant estimates it (ServerClock, over all its connections): media and chat
   * are stamped in it, so a recording's files line up whatever this machine's clock says.
   */
  serverWallMs(): number {
    return this.clock.wallMs() + this.serverClock.offsetMs;
  }

  private emitStats(): void {
    const { windowMs, uplinkKbps, videoFramesDropped } = this.uplink.sample(this.clock.wallMs(), this.session);
    this.emit({
      type: 'stats',
      stats: {
        streams: this.incoming.takeStats(windowMs),
        // A ping unanswered for longer than the last round trip took (a stalled link) makes that figure stale.
        rttMs: this.rttMs === null ? null : Math.max(this.rttMs, Math.round((this.session?.unansweredPingMs ?? 0) * 10) / 10),
        uplinkKbps,
        videoFramesSkipped: this.outgoing.framesSkipped + videoFramesDropped,
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
