import {
  Codec,
  CongestionLevel,
  Feature,
  FrameType,
  MAX_CHAT_LENGTH,
  MAX_PAYLOAD_BYTES,
  ProtocolError,
  SERVER_SENDER_ID,
  StreamKind,
  encodeJson,
  parseAuth,
  parseChatSend,
  parseHello,
  parseHelloGreeting,
  parseReceive,
  parseState,
  printableChatText,
  stampSender,
  type CodecValue,
  type DecodedFrame,
  type FrameTypeValue,
  type ParticipantInfo,
  type StateMessage,
  type StreamKindValue,
  REFUSAL_CODES,
  Reason,
  type ReasonCode,
} from '../protocol/index.js';
import { limitKeyOf } from '../net/address.js';
import type { FrameTransport } from '../net/frame-transport.js';
import { loudPreJoinLog, type PreJoinLog } from './log-limit.js';
import { PeerLimits } from './peer-limits.js';
import { ReceiverPath } from './receiver-path.js';
import { greetingRefusal } from './admission.js';
import { Handshake } from './handshake.js';
import { joinTerms } from './join-terms.js';
import type { Room, RoomMember } from './room.js';
import type { ServerContext } from './context.js';

type PeerState = 'hello' | 'auth' | 'joined' | 'closed';

/** Reasons that are ordinary endings, not violations: they are logged as `left`, not as `closed`. */
const QUIET_CODES: ReadonlySet<string> = new Set([Reason.LEAVE, Reason.REPLACED, Reason.SERVER_SHUTDOWN, Reason.CALL_ENDED]);

const VIDEO_CODECS: ReadonlySet<CodecValue> = new Set([Codec.JPEG]);
const AUDIO_CODECS: ReadonlySet<CodecValue> = new Set([Codec.PCM_S16LE, Codec.OPUS]);

/**
 * One client connection on the server: handshake (HELLO → [CHALLENGE → AUTH] → WELCOME; handshake.ts and
 * join-terms.ts decide it, the peer acts), then relay of its streams to its room (docs/protocol.md §4). Every way out
 * goes through `end()`, which tells the room once.
 */
export class Peer implements RoomMember {
  readonly id: number;
  name = '';
  private state: PeerState = 'hello';
  private room: Room | undefined;
  /** HELLO → [CHALLENGE → AUTH]: its checks and deadlines until the join. */
  private readonly handshake: Handshake;
  private media: StateMessage = { muted: false, cameraOff: false };
  /** The resume token its WELCOME carried ('' before the join): the same person back with it takes this seat. */
  resumeToken = '';
  private pingSeq = 0;
  private controlSeq = 0;
  /** Last time any frame arrived; the liveness sweep drops peers silent for idleTimeoutMs. */
  lastHeardAt: number;
  readonly connectedAt: number;
  rttMs: number | undefined;
  private lastPingAt = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Optional features agreed with this client (docs/protocol.md §4.4). */
  private features = new Set<string>();
  /** Whether video goes to this peer, and its congestion as the room was told (docs/protocol.md §5.2). */
  private readonly path = new ReceiverPath();
  /** What it may send per second (docs/protocol.md §4.3). */
  private readonly limits: PeerLimits;

  /**
   * `connectedAt`: when the TCP connection was accepted; the handshake deadline counts from there (§4.1).
   * `preJoinLog`: where its lines go until it joins, limited per address (§5.3).
   */
  constructor(
    readonly transport: FrameTransport,
    private readonly ctx: ServerContext,
    connectedAt = ctx.now(),
    private readonly preJoinLog: PreJoinLog = loudPreJoinLog(ctx.logger),
  ) {
    this.id = ctx.nextPeerId();
    this.connectedAt = connectedAt;
    this.limits = new PeerLimits(ctx.now());
    this.lastHeardAt = this.connectedAt;
    this.handshake = new Handshake(ctx, transport.remoteAddress, connectedAt);
    // Until the join only HELLO, AUTH, PING, PONG and ACK belong here: no frame larger than a control frame is read.
    transport.capPayload(MAX_PAYLOAD_BYTES[StreamKind.CONTROL]);
    this.armIdleTimer(ctx.options.idleTimeoutMs);
  }

  get wantsCongestion(): boolean {
    return this.features.has(Feature.CONGESTION);
  }

  get joined(): boolean {
    return this.state === 'joined';
  }

  /** Congestion of the path to this peer, as last reported to the room (docs/protocol.md §5.2). */
  get congestionLevel(): number {
    return this.path.level;
  }

  get address(): string {
    return this.transport.remoteAddress;
  }

  info(): ParticipantInfo {
    return { id: this.id, name: this.name, ...this.media };
  }

  deliver(kind: StreamKindValue, sender: number, raw: Uint8Array): void {
    // Audio only (RECEIVE, docs/protocol.md §4.5, or too slow for video, §5.2): video stops here, before it costs a
    // queue slot or a byte.
    if (kind === StreamKind.VIDEO && !this.path.takesVideo) return;
    this.transport.sendRaw(kind, sender, raw);
  }

  /** Called by the server's sweep: handshake and password deadlines, pings, congestion reports. */
  tick(now: number): void {
    if (this.state === 'closed') return;
    const missed = this.state === 'joined' ? undefined : this.handshake.missedDeadline(now);
    if (missed) return this.end(missed.code, missed.message);
    if (this.state === 'joined') {
      this.ping(now);
      this.updateCongestion();
    }
  }

  /**
   * Liveness (docs/protocol.md §4.3): one timer per peer, due when the peer has been silent for idleTimeoutMs. It is
   * not re-armed per frame (that would cost a timer per frame); when it fires early it waits out the remainder, so a
   * silent peer is dropped exactly idleTimeoutMs after the last frame it sent.
   */
  private armIdleTimer(delayMs: number): void {
    this.idleTimer = setTimeout(() => {
      if (this.state === 'closed') return;
      const idle = this.ctx.options.idleTimeoutMs;
      const silentMs = this.ctx.now() - this.lastHeardAt;
      if (silentMs >= idle) this.end(Reason.IDLE_TIMEOUT, `nothing heard for ${Math.round(silentMs / 1000)} s`);
      else this.armIdleTimer(idle - silentMs);
    }, Math.max(1, delayMs));
    this.idleTimer.unref();
  }

  /** Tells the senders of the room when the congestion of the path to this peer changes (docs/protocol.md §5.2). */
  private updateCongestion(): void {
    const { level, videoWithheld } = this.path.sample(this.ctx.now(), this.transport);
    if (videoWithheld !== undefined) this.tellVideoWithheld(videoWithheld);
    if (level === undefined) return;
    const queue = this.transport.queueStats();
    this.ctx.logger.log(level > 0 ? 'warn' : 'info', 'congestion', {
      peer: this.id, name: this.name, level, droppedVideo: queue.droppedVideo, droppedAudio: queue.droppedAudio,
    });
    const raw = this.ctx.encode(
      FrameType.CONGESTION, StreamKind.CONTROL, Codec.JSON, SERVER_SENDER_ID, this.nextSeq(), this.ctx.wallMs(),
      encodeJson({ receiverId: this.id, level }),
    );
    for (const member of this.room?.all() ?? []) {
      const other = member as Peer;
      if (other.id !== this.id && other.wantsCongestion) other.deliver(StreamKind.CONTROL, SERVER_SENDER_ID, raw);
    }
  }

  /** Tells this receiver its video stopped or resumes (a CONGESTION about itself, docs/protocol.md §5.2). */
  private tellVideoWithheld(withheld: boolean): void {
    this.ctx.logger.log(withheld ? 'warn' : 'info', 'video-withheld', { peer: this.id, name: this.name, withheld });
    if (this.wantsCongestion) this.send(FrameType.CONGESTION, encodeJson({ receiverId: this.id, level: withheld ? CongestionLevel.AUDIO_AT_RISK : CongestionLevel.CLEAR }));
  }

  onFrame(frame: DecodedFrame): void {
    if (this.state === 'closed') return;
    this.lastHeardAt = this.ctx.now();
    try {
      this.dispatch(frame);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.onProtocolError(err);
    }
  }

  onProtocolError(err: ProtocolError): void {
    // Until the join its lines are limited per address (docs/protocol.md §5.3): a scanner's garbage is no flood.
    (this.state === 'joined' ? this.ctx.logger : this.preJoinLog).log('warn', 'protocol-error', { peer: this.id, address: this.address, code: err.code, detail: err.message });
    this.end(Reason.MALFORMED, err.message);
  }

  onSlowConsumer(detail: string): void {
    this.ctx.logger.log('warn', 'slow-consumer', { peer: this.id, name: this.name, address: this.address, code: Reason.SLOW_CONSUMER, detail });
    this.finish(Reason.SLOW_CONSUMER);
  }

  onClose(): void {
    if (this.state !== 'closed') this.finish(this.state === 'joined' ? 'disconnected' : Reason.LEAVE);
  }

  /** Says goodbye with a reason (and, to a refused join, `extra` fields of the REFUSE) and closes. Safe to call more than once. */
  end(code: ReasonCode, message: string, extra: { releaseInMs?: number } = {}): void {
    if (this.state === 'closed') return;
    const wasJoined = this.state === 'joined';
    const wasState = this.state;
    this.finish(code);
    // Every limit that ends a connection leaves one log line with its code (refusals log their own line below).
    if (!QUIET_CODES.has(code) && !(REFUSAL_CODES.has(code) && !wasJoined) && code !== Reason.MALFORMED) {
      (wasJoined ? this.ctx.logger : this.preJoinLog).log('warn', 'closed', { peer: this.id, name: this.name || this.handshake.hello?.name, address: this.address, state: wasState, code, detail: message });
    }
    // A join that is turned down gets REFUSE; everything else, in or out of a call, gets BYE.
    if (!wasJoined && REFUSAL_CODES.has(code)) this.refuse(code, message, extra);
    else this.transport.close({ code, message });
  }

  private dispatch(frame: DecodedFrame): void {
    const type = frame.type;
    if (type === FrameType.PING || type === FrameType.PONG || type === FrameType.ACK) {
      const flooding = this.limits.controlFrame(this.ctx.now());
      if (flooding) return this.end(Reason.FLOODING, flooding);
    }
    if (type === FrameType.PING) {
      this.send(FrameType.PONG, new Uint8Array(0), Codec.NONE, frame.seq, frame.ts);
      return;
    }
    if (type === FrameType.PONG) {
      if (frame.seq === this.pingSeq) this.rttMs = Math.max(0, this.ctx.wallMs() - frame.ts);
      return;
    }
    // Handled by the transport (docs/protocol.md §5.1); here it only counted as a sign of life.
    if (type === FrameType.ACK) return;
    if (type === FrameType.BYE) {
      this.finish(Reason.LEAVE);
      this.transport.destroy();
      return;
    }
    switch (this.state) {
      case 'hello':
        if (type !== FrameType.HELLO) return this.unexpected(type);
        return this.onHello(frame.payload);
      case 'auth':
        if (type !== FrameType.AUTH) return this.unexpected(type);
        return this.onAuth(Buffer.from(parseAuth(frame.payload).proof, 'base64'));
      case 'joined':
        return this.onJoinedFrame(frame);
      default:
        return;
    }
  }

  private onHello(payload: Uint8Array): void {
    // Protocol and version before the rest: another version's HELLO may differ in every other field (§4.1).
    const greeting = greetingRefusal(parseHelloGreeting(payload));
    if (greeting) return this.end(greeting.code, greeting.message);
    const outcome = this.handshake.onHello(parseHello(payload));
    if (outcome.type === 'refused') return this.end(outcome.refusal.code, outcome.refusal.message);
    if (outcome.type === 'join') return this.join();
    this.state = 'auth';
    this.send(FrameType.CHALLENGE, outcome.payload);
  }

  private onAuth(proof: Buffer): void {
    const refusal = this.handshake.onAuth(proof);
    if (refusal) return this.end(refusal.code, refusal.message);
    this.join();
  }

  private join(): void {
    const hello = this.handshake.hello!;
    const room = this.ctx.room(hello.room);
    const terms = joinTerms<Peer>(this.id, hello, room, this.ctx);
    if (terms.type === 'refused') {
      const { refusal } = terms;
      return this.end(refusal.code, refusal.message, refusal.releaseInMs === undefined ? {} : { releaseInMs: refusal.releaseInMs });
    }
    const { stale, audioCodec, resumeToken, welcome } = terms;
    this.features = terms.features;
    stale?.end(Reason.REPLACED, 'you joined again from another connection');
    this.name = hello.name;
    this.media = hello.state ?? { muted: false, cameraOff: false };
    this.resumeToken = resumeToken;
    this.ctx.returning.joined(resumeToken);
    this.state = 'joined';
    this.transport.capPayload(undefined);
    this.room = room;
    this.send(FrameType.WELCOME, welcome);
    if (this.features.has(Feature.ACK)) this.transport.enableAcks();
    if (this.wantsCongestion) {
      for (const member of room.all()) {
        const other = member as Peer;
        if (other.congestionLevel === CongestionLevel.CLEAR) continue;
        this.send(FrameType.CONGESTION, encodeJson({ receiverId: other.id, level: other.congestionLevel }));
      }
    }
    room.add(this);
    this.broadcastControl(FrameType.PARTICIPANT_JOINED, encodeJson(this.info()));
    this.preJoinLog.joined();
    this.ctx.logger.log('info', 'joined', { peer: this.id, name: this.name, room: room.name, address: this.address, audio: audioCodec });
  }

  private onJoinedFrame(frame: DecodedFrame): void {
    const room = this.room!;
    if (frame.type === FrameType.CHAT || frame.type === FrameType.STATE || frame.type === FrameType.RECEIVE) {
      const chatBytes = frame.type === FrameType.CHAT ? frame.payload.length : undefined;
      const flooding = this.limits.message(this.ctx.now(), chatBytes)
        ?? (chatBytes === undefined ? undefined : this.ctx.chatByAddress.take(limitKeyOf(this.address), this.ctx.now(), chatBytes));
      if (flooding) return this.end(Reason.FLOODING, flooding);
    }
    switch (frame.type) {
      case FrameType.MEDIA: {
        const allowed = frame.kind === StreamKind.VIDEO ? VIDEO_CODECS : AUDIO_CODECS;
        if (!allowed.has(frame.codec)) {
          throw new ProtocolError('LC_ERR_BAD_CODEC', `codec ${frame.codec} is not valid for stream kind ${frame.kind}`);
        }
        const flooding = this.limits.media(this.ctx.now(), frame.raw.length);
        if (flooding) return this.end(Reason.FLOODING, flooding);
        // Never trust the sender field from the wire: stamp who really sent it, then relay the same bytes.
        stampSender(frame.raw, this.id);
        room.broadcast(this.id, frame.kind, this.id, frame.raw);
        return;
      }
      case FrameType.CHAT: {
        const text = printableChatText(parseChatSend(frame.payload).text).trim();
        if (text.length === 0 || text.length > MAX_CHAT_LENGTH) return;
        const entry = { fromId: this.id, from: this.name, text, ts: this.ctx.wallMs() };
        const raw = this.ctx.encode(FrameType.CHAT, StreamKind.CHAT, Codec.JSON, this.id, this.nextSeq(), entry.ts, encodeJson(entry));
        room.recordChat(entry);
        room.broadcast(this.id, StreamKind.CHAT, this.id, raw);
        return;
      }
      case FrameType.RECEIVE: {
        if (!this.features.has(Feature.RECEIVE)) return this.unexpected(frame.type);
        const video = parseReceive(frame.payload).video;
        this.path.choose(video);
        this.ctx.logger.log('info', 'receive', { peer: this.id, video });
        return;
      }
      case FrameType.STATE: {
        // Re-encoded from what was parsed: only known fields go on to the room.
        this.media = parseState(frame.payload);
        this.broadcastControl(FrameType.STATE, encodeJson(this.media), this.id);
        return;
      }
      default:
        return this.unexpected(frame.type);
    }
  }

  private unexpected(type: FrameTypeValue): void {
    this.end(Reason.UNEXPECTED_FRAME, `frame type 0x${type.toString(16)} is not allowed now (state ${this.state})`);
  }

  /** Every way out passes here once: leaves the room, stops the idle timer, and the server forgets this peer. */
  private finish(reason: string): void {
    this.leaveRoom(reason);
    this.state = 'closed';
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.ctx.forget(this);
  }

  private leaveRoom(reason: string): void {
    const room = this.room;
    if (!room || this.state !== 'joined') return;
    this.room = undefined;
    if (!room.remove(this.id)) return;
    if (this.resumeToken) this.ctx.returning.left(this.resumeToken, this.ctx.now());
    this.ctx.logger.log('info', 'left', { peer: this.id, name: this.name, room: room.name, reason });
    const raw = this.ctx.encode(
      FrameType.PARTICIPANT_LEFT, StreamKind.CONTROL, Codec.JSON, SERVER_SENDER_ID, this.nextSeq(), this.ctx.wallMs(),
      encodeJson({ id: this.id, name: this.name, reason }),
    );
    room.broadcast(this.id, StreamKind.CONTROL, SERVER_SENDER_ID, raw);
    // Replaced: the same person takes the seat this instant; the room (and its chat) stays.
    if (reason !== Reason.REPLACED) this.ctx.roomMaybeEmpty(room);
  }

  private ping(now: number): void {
    if (now - this.lastPingAt < this.ctx.options.pingIntervalMs) return;
    this.lastPingAt = now;
    this.pingSeq = (this.pingSeq + 1) >>> 0;
    this.send(FrameType.PING, new Uint8Array(0), Codec.NONE, this.pingSeq, this.ctx.wallMs());
  }

  private refuse(code: ReasonCode, message: string, extra: { releaseInMs?: number }): void {
    this.preJoinLog.log('info', 'refused', { address: this.address, name: this.handshake.hello?.name, code, detail: message });
    this.send(FrameType.REFUSE, encodeJson({ code, message, ...extra }));
    this.transport.close();
  }

  private broadcastControl(type: FrameTypeValue, payload: Uint8Array, sender = SERVER_SENDER_ID): void {
    const raw = this.ctx.encode(type, StreamKind.CONTROL, Codec.JSON, sender, this.nextSeq(), this.ctx.wallMs(), payload);
    this.room?.broadcast(this.id, StreamKind.CONTROL, sender, raw);
  }

  private send(type: FrameTypeValue, payload: Uint8Array, codec: CodecValue = Codec.JSON, seq = this.nextSeq(), ts = this.ctx.wallMs()): void {
    this.transport.sendRaw(StreamKind.CONTROL, SERVER_SENDER_ID, this.ctx.encode(type, StreamKind.CONTROL, codec, SERVER_SENDER_ID, seq, ts, payload));
  }

  private nextSeq(): number {
    this.controlSeq = (this.controlSeq + 1) >>> 0;
    return this.controlSeq;
  }
}
