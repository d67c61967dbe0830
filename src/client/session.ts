import { FrameSocket } from '../net/frame-socket.js';
import {
  CLIENT_STATE_PACE,
  Codec,
  Feature,
  type FeatureValue,
  FrameType,
  StreamKind,
  authProof,
  deriveAuthKey,
  encodeJson,
  parseChallenge,
  parseReason,
  parseWelcome,
  type CodecValue,
  type DecodedFrame,
  type FrameTypeValue,
  ProtocolError,
  type ReasonMessage,
  type StateMessage,
  type StreamKindValue,
  type WelcomeMessage,
} from '../protocol/index.js';
import { SYSTEM_CLOCK, type Clock } from '../util/clock.js';
import { PacedLatest } from '../util/paced-latest.js';
import { openSocket, type ConnectTarget, type TrustNotice } from './connect.js';
import { CallEndedError, EndKind } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { helloMessage, offeredFeatures } from './hello.js';
import { roomEventOf, type RoomEvent } from './room-events.js';
import { ServerClock } from './server-clock.js';
import { FIRST_ANSWER_MS, closedWithoutReason, endKindOf, garbledServer, refusalSentence, silentServer } from './session-end.js';

/** Who joins where, and how. */
export interface SessionOptions {
  target: ConnectTarget;
  name: string;
  room: string;
  /** The room password; sent only as a challenge–response proof (docs/protocol.md §4.2). */
  password?: string;
  /** Where `password` came from (`LIVECOMM_PASSWORD`, `--password-file F`), named if the server refuses it. */
  passwordFrom?: string;
  /** Audio codecs we decode, in order of preference. Default ["pcm"]. */
  audioCodecs?: string[];
  /** From an earlier WELCOME, to take over our own stale session after a reconnect. */
  resumeToken?: string;
  /** Your mute and camera state at the moment of joining, sent in HELLO (docs/protocol.md §4.1). */
  initialState?: () => StateMessage;
  clientName?: string;
  clock?: Clock;
  /** The call's estimate of the server's clock: the previous connections' samples still count (ServerClock). */
  serverClock?: ServerClock;
  /**
   * Optional protocol features to offer (docs/protocol.md §4.4). Default all: ACK flow control (§5.1), CONGESTION
   * reports (§5.2) and RECEIVE, audio only on request (§4.5). Tests turn them off to act as an older client.
   */
  features?: { ack?: boolean; congestion?: boolean; receive?: boolean };
}

/** Everything a session reports, as a discriminated union on `type`. */
export type SessionEvent =
  | { type: 'trust'; trust: TrustNotice }
  | { type: 'joined'; welcome: WelcomeMessage }
  | RoomEvent
  | { type: 'media'; frame: DecodedFrame; receivedAt: number }
  | { type: 'rtt'; ms: number }
  | { type: 'ended'; error: CallEndedError };

export type SessionStatus = 'connecting' | 'handshaking' | 'joined' | 'ended';

/** Silence during the handshake after which the client gives up (the server's own handshake limit is 10 s). */
const HANDSHAKE_SILENCE_MS = 15_000;

/**
 * One connection's worth of a call: connect, handshake, join, send and receive, leave (docs/protocol.md §4).
 * It ends exactly once, with an `ended` event whose error says why; reconnecting is the caller's job (a new
 * Session with the same name and the last resumeToken), which keeps this class a plain state machine.
 */
export class Session {
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private readonly clock: Clock;
  private transport: FrameSocket | undefined;
  private statusValue: SessionStatus = 'connecting';
  private welcomeValue: WelcomeMessage | undefined;
  private readonly seqByKind = new Map<StreamKindValue, number>();
  /** Pings, round trips, and giving up on a silent server. */
  private readonly heartbeat: Heartbeat;
  /** When our HELLO, or AUTH, went: the WELCOME that answers it is a first clock sample. */
  private askedAt: number | undefined;
  /**
   * The call's estimate of the server's clock (ServerClock): media goes out stamped in the server's time, and arrives
   * stamped (`receivedAt`) in it, so capture→decode latency holds across machines whose clocks differ.
   */
  private readonly serverClock: ServerClock;
  /** A frame came on this connection: from then on, bytes that are not one are a malformed frame. */
  private heardAFrame = false;
  private endedWith: CallEndedError | undefined;
  private leaving = false;
  /**
   * A state change made after the HELLO went (which carried the state then) and before the WELCOME: sent with the
   * join, or the others keep what the HELLO said (unmuted during the handshake, shown muted all call).
   */
  private stateAfterHello: StateMessage | undefined;

  /** Mute and camera changes, and audio-only toggles, at a pace the server accepts (key repeat must not flood it). */
  private readonly statePacer = new PacedLatest<StateMessage>(CLIENT_STATE_PACE, (state) => {
    if (this.statusValue === 'joined') this.send(FrameType.STATE, StreamKind.CONTROL, Codec.JSON, encodeJson(state));
  });
  private readonly receivePacer = new PacedLatest<boolean>(CLIENT_STATE_PACE, (video) => {
    if (this.statusValue === 'joined') this.send(FrameType.RECEIVE, StreamKind.CONTROL, Codec.JSON, encodeJson({ video }));
  });

  constructor(private readonly options: SessionOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.serverClock = options.serverClock ?? new ServerClock();
    this.heartbeat = new Heartbeat({
      sendPing: (seq, at) => this.send(FrameType.PING, StreamKind.CONTROL, Codec.NONE, new Uint8Array(0), at, seq),
      silent: (idleLimit, lateMs) => this.failWith(silentServer(this.options.target, this.heardAFrame, idleLimit, lateMs)),
    }, this.clock);
  }

  /** How long ago anything came from the server (the handshake counts): a link that died unseen died that long ago. */
  get heardAgoMs(): number {
    return this.heartbeat.heardAgoMs;
  }

  get status(): SessionStatus {
    return this.statusValue;
  }

  /** Joined and not leaving: what is sent now goes out (after `leave()` the transport drops it). */
  get open(): boolean {
    return this.statusValue === 'joined' && !this.leaving;
  }

  get welcome(): WelcomeMessage | undefined {
    return this.welcomeValue;
  }

  /** Bytes waiting to be sent; media senders skip frames while this is high. */
  get bufferedAmount(): number {
    return this.transport?.bufferedAmount ?? 0;
  }

  /** Bytes of whole frames that reached the server on this connection (FrameTransport.bytesDelivered). */
  get bytesDelivered(): number {
    return this.transport?.bytesDelivered ?? 0;
  }

  /** Video frames our queue replaced with a newer one before they could leave: the uplink was slower than the call. */
  get videoFramesDropped(): number {
    return this.transport?.queueStats().droppedVideo ?? 0;
  }

  /** How long our ping has gone unanswered (0 when none is out): the round trip is at least this long now. */
  get unansweredPingMs(): number {
    return this.heartbeat.unansweredPingMs;
  }

  /** Congestion of our own uplink, 0–2, measured like the server measures a receiver's (docs/protocol.md §5.2). */
  get uplinkCongestion(): number {
    return this.transport?.congestionLevel() ?? 0;
  }

  on(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects and joins. Resolves with the WELCOME; rejects with CallEndedError (also emitted as `ended`). */
  async start(): Promise<WelcomeMessage> {
    let opened;
    try {
      opened = await openSocket(this.options.target);
    } catch (err) {
      const ended = err instanceof CallEndedError ? err : new CallEndedError(EndKind.NETWORK, 'connect-failed', String(err));
      this.end(ended);
      throw ended;
    }
    if (this.statusValue === 'ended') {
      // Left (or ended) while the connection was being opened: it must not join after all.
      opened.socket.destroy();
      throw this.endedWith ?? new CallEndedError(EndKind.LEFT, 'leave', 'left the call');
    }
    if (opened.trust) this.emit({ type: 'trust', trust: opened.trust });
    return new Promise<WelcomeMessage>((resolve, reject) => {
      const off = this.on((event) => {
        if (event.type === 'joined') {
          off();
          resolve(event.welcome);
        } else if (event.type === 'ended') {
          off();
          reject(event.error);
        }
      });
      this.attach(opened.socket);
    });
  }

  /** Sends a media frame; `flags` are FrameFlag bits (docs/protocol.md §2), e.g. the end of a talk spurt. */
  sendMedia(kind: typeof StreamKind.VIDEO | typeof StreamKind.AUDIO, codec: CodecValue, payload: Uint8Array, captureTs: number, flags = 0): void {
    if (this.statusValue !== 'joined') return;
    this.send(FrameType.MEDIA, kind, codec, payload, captureTs + this.serverClock.offsetMs, undefined, flags);
  }

  sendChat(text: string): void {
    if (this.statusValue !== 'joined') return;
    this.send(FrameType.CHAT, StreamKind.CHAT, Codec.JSON, encodeJson({ text }));
  }

  setState(state: StateMessage): void {
    if (this.statusValue === 'handshaking') this.stateAfterHello = state;
    if (this.statusValue !== 'joined') return;
    this.statePacer.set(state);
  }

  /** The server stops sending video on request (RECEIVE, docs/protocol.md §4.5); false before the join. */
  get canStopVideo(): boolean {
    return this.statusValue === 'joined' && this.agreed(Feature.RECEIVE);
  }

  /** Asks the server for video again or for audio only; nothing when it cannot (see `canStopVideo`). */
  setReceiveVideo(video: boolean): void {
    if (!this.canStopVideo) return;
    this.receivePacer.set(video);
  }

  /** Leaves cleanly: BYE to the server, then `ended` with kind `left`. */
  leave(message = 'left the call'): Promise<void> {
    if (this.statusValue === 'ended') return Promise.resolve();
    this.leaving = true;
    const ended = new Promise<void>((resolve) => {
      this.on((event) => {
        if (event.type === 'ended') resolve();
      });
    });
    if (this.transport) this.transport.close({ code: 'leave', message });
    else this.end(new CallEndedError(EndKind.LEFT, 'leave', message));
    return ended;
  }

  private attach(socket: import('node:net').Socket): void {
    this.statusValue = 'handshaking';
    this.heardAFrame = false;
    this.heartbeat.heard();
    this.transport = new FrameSocket(socket, {
      onFrame: (frame) => this.onFrame(frame),
      onProtocolError: (err: ProtocolError) => this.failWith(garbledServer(this.options.target, this.heardAFrame, err.message)),
      onSlowConsumer: (detail) => this.fail(EndKind.NETWORK, 'slow-link', `the connection stalled: ${detail}`),
      onClose: () => this.onClose(),
    });
    this.askedAt = this.clock.wallMs();
    this.send(FrameType.HELLO, StreamKind.CONTROL, Codec.JSON, encodeJson(helloMessage(this.options)));
    // A port that answers nothing is not a livecomm-tui server's (FIRST_ANSWER_MS); one that goes silent mid-handshake
    // (the server's own limit is 10 s, docs/protocol.md §4.1) is given up too, later.
    this.heartbeat.watchSilence(FIRST_ANSWER_MS);
  }

  /** A feature both sides listed (docs/protocol.md §4.4): we offered it, and the WELCOME has it. */
  private agreed(feature: FeatureValue): boolean {
    return (this.welcomeValue?.features?.includes(feature) ?? false) && offeredFeatures(this.options.features).includes(feature);
  }

  private onFrame(frame: DecodedFrame): void {
    this.heartbeat.heard();
    if (!this.heardAFrame && this.statusValue === 'handshaking') this.heartbeat.watchSilence(HANDSHAKE_SILENCE_MS);
    this.heardAFrame = true;
    try {
      this.dispatch(frame);
    } catch (err) {
      // Parsing throws ProtocolError; anything else came from a listener (a bug here), not from the server.
      if (err instanceof ProtocolError) {
        this.fail(EndKind.NETWORK, 'malformed-frame', `the server sent a malformed frame (${err.message})`);
      } else {
        this.fail(EndKind.INTERNAL, 'internal-error', `internal error: ${(err as Error).message ?? String(err)}`, err);
      }
    }
  }

  private dispatch(frame: DecodedFrame): void {
    switch (frame.type) {
      case FrameType.MEDIA:
        this.emit({ type: 'media', frame, receivedAt: this.clock.wallMs() + this.serverClock.offsetMs });
        return;
      case FrameType.PING:
        this.send(FrameType.PONG, StreamKind.CONTROL, Codec.NONE, new Uint8Array(0), frame.ts, frame.seq);
        if (this.heartbeat.lastRttMs !== undefined) this.serverClock.sample(frame.ts, this.clock.wallMs(), this.heartbeat.lastRttMs);
        return;
      case FrameType.PONG: {
        const rttMs = this.heartbeat.answered(frame.seq);
        if (rttMs !== undefined) this.emit({ type: 'rtt', ms: rttMs });
        return;
      }
      case FrameType.CHALLENGE:
        return this.answerChallenge(frame.payload);
      case FrameType.WELCOME: {
        // The WELCOME is stamped with the server's time: a first clock sample, before any media goes or comes, with
        // the HELLO's (or AUTH's) round trip.
        const now = this.clock.wallMs();
        if (this.askedAt !== undefined) this.serverClock.sample(frame.ts, now, now - this.askedAt, true);
        const welcome = parseWelcome(frame.payload);
        this.welcomeValue = welcome;
        this.statusValue = 'joined';
        if (this.agreed(Feature.ACK)) this.transport?.enableAcks();
        this.heartbeat.start(welcome.pingIntervalMs, welcome.idleTimeoutMs);
        if (this.stateAfterHello) this.statePacer.set(this.stateAfterHello);
        this.emit({ type: 'joined', welcome });
        return;
      }
      case FrameType.REFUSE:
      case FrameType.BYE:
        return this.onReason(frame.type, parseReason(frame.payload));
      default: {
        // Who comes and goes, chat, media states and congestion reports (room-events.ts); any other type is ignored.
        const event = roomEventOf(frame);
        if (event) this.emit(event);
        return;
      }
    }
  }

  private answerChallenge(payload: Uint8Array): void {
    const challenge = parseChallenge(payload);
    if (this.options.password === undefined) {
      this.fail(EndKind.REFUSED, 'auth-required', 'this server needs a password: pass --password-file FILE or set LIVECOMM_PASSWORD');
      return;
    }
    const key = deriveAuthKey(this.options.password, Buffer.from(challenge.salt, 'base64'));
    const proof = authProof(key, Buffer.from(challenge.nonce, 'base64'), this.options.room, this.options.name);
    this.askedAt = this.clock.wallMs();
    this.send(FrameType.AUTH, StreamKind.CONTROL, Codec.JSON, encodeJson({ proof: proof.toString('base64') }));
  }

  private onReason(type: FrameTypeValue, reason: ReasonMessage): void {
    const release = reason.releaseInMs === undefined ? {} : { releaseInMs: reason.releaseInMs };
    this.failWith(new CallEndedError(endKindOf(type, reason, this.leaving), reason.code, refusalSentence(reason, this.options.passwordFrom), release));
  }

  private send(type: FrameTypeValue, kind: StreamKindValue, codec: CodecValue, payload: Uint8Array, ts = this.clock.wallMs(), seq?: number, flags = 0): void {
    if (!this.transport) return;
    this.transport.send({ type, kind, codec, flags, sender: 0, seq: seq ?? this.nextSeq(kind), ts, payload });
  }

  private nextSeq(kind: StreamKindValue): number {
    const seq = ((this.seqByKind.get(kind) ?? 0) + 1) >>> 0;
    this.seqByKind.set(kind, seq);
    return seq;
  }

  private fail(kind: CallEndedError['kind'], code: string, message: string, cause?: unknown): void {
    this.failWith(new CallEndedError(kind, code, message, cause === undefined ? undefined : { cause }));
  }

  private failWith(error: CallEndedError): void {
    if (this.endedWith) return;
    this.endedWith = error;
    this.transport?.destroy();
    if (!this.transport) this.end(this.endedWith);
  }

  private onClose(): void {
    if (!this.endedWith) {
      const how = { leaving: this.leaving, joined: this.statusValue === 'joined', heardAnything: this.heardAFrame };
      this.endedWith = closedWithoutReason(how, this.options.target);
    }
    this.end(this.endedWith);
  }

  private end(error: CallEndedError): void {
    if (this.statusValue === 'ended') return;
    this.statusValue = 'ended';
    this.statePacer.stop();
    this.receivePacer.stop();
    this.heartbeat.stop();
    this.emit({ type: 'ended', error });
  }

  private emit(event: SessionEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
