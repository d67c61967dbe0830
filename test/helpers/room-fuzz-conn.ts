import net from 'node:net';
import {
  Codec, Feature, FrameDecoder, FrameType, PROTOCOL_NAME, PROTOCOL_VERSION, StreamKind, encodeFrame, encodeJson,
  authProof, deriveAuthKey, printableChatText, type DecodedFrame, type FrameTypeValue, type StateMessage,
} from '../../src/protocol/index.js';

/** One participant as the room-fuzz model sees it (roster entry). */
export interface Seen { name: string; state: StateMessage }

/** A chat line as a member received it, with when. */
export interface GotChat { fromId: number; from: string; text: string; at: number }

/** A media frame as a member received it: who the server says sent it, and the tag the driver put in it. */
export interface GotMedia { sender: number; kind: number; tag: string; at: number }

export type EndKind = 'bye' | 'half' | 'abrupt' | 'replaced' | 'malformed' | 'flood' | 'server';

let nextConnId = 1;
/** scrypt takes tens of ms: one key per server salt. */
const keys = new Map<string, Buffer>();

/** The password each connection answers a CHALLENGE with (a wrong one makes it a rule breaker); none: no answer. */
export const auth: { password: string | undefined } = { password: undefined };

/**
 * One TCP connection of the room-fuzz driver: speaks the protocol by hand (raw frames), answers pings, acknowledges
 * what it receives when `ack` was agreed, and records everything it was told, with the driver's clock, so the model
 * can be checked against it afterwards.
 */
export class FuzzConn {
  readonly connId = nextConnId++;
  readonly frames: Array<{ frame: DecodedFrame; at: number }> = [];
  readonly chats: GotChat[] = [];
  readonly media: GotMedia[] = [];
  readonly sentChats: Array<{ text: string; at: number }> = [];
  /** Media this connection sent: tag → when. */
  readonly sentMedia = new Map<string, number>();
  roster = new Map<number, Seen>();
  rosterErrors: string[] = [];
  id = 0;
  token = '';
  /** When the driver opened it (its HELLO follows at once). */
  readonly openedAt: number;
  roomSpelling = '';
  welcomeAt = 0;
  refused: { code: string; message: string; at: number } | undefined;
  bye: { code: string; at: number } | undefined;
  closedAt = 0;
  /** How this connection ended, by our own doing or the server's. */
  end: EndKind | undefined;
  /** From when data we sent may be lost (we destroyed the socket or broke the protocol). */
  lossyFrom = Infinity;
  state: StateMessage;
  paused = false;
  /** Audio only, confirmed by a pong after the RECEIVE: [from, to). */
  audioOnly: Array<{ from: number; to: number }> = [];
  private features = new Set<string>();
  private receiveGeneration = 0;
  /** Overrides `auth.password` for this connection (a wrong guess). */
  password: string | undefined;
  private readonly decoder = new FrameDecoder();
  private bytesIn = 0;
  private ackOwed = false;
  private ackTimer: NodeJS.Timeout | undefined;
  private pingSeq = 0;
  private readonly pongWaiters = new Map<number, () => void>();
  private mediaSeq = { [StreamKind.VIDEO]: 0, [StreamKind.AUDIO]: 0 } as Record<number, number>;
  private readonly closedPromise: Promise<void>;
  private welcomeWaiter: ((ok: boolean) => void) | undefined;

  private constructor(
    readonly socket: net.Socket,
    readonly slot: number,
    readonly name: string,
    readonly room: string,
    readonly roomKey: string,
    readonly helloToken: string | undefined,
    readonly offers: string[],
    initialState: StateMessage,
    private readonly clock: () => number,
  ) {
    this.state = initialState;
    this.openedAt = clock();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    this.closedPromise = new Promise((resolve) => socket.once('close', () => {
      this.closedAt = this.clock();
      if (this.ackTimer) clearTimeout(this.ackTimer);
      this.welcomeWaiter?.(false);
      for (const w of this.pongWaiters.values()) w();
      resolve();
    }));
  }

  static async open(
    port: number, localAddress: string, slot: number, name: string, room: string, roomKey: string,
    token: string | undefined, offers: string[], state: StateMessage | undefined, clock: () => number, garbage?: Uint8Array,
    password?: string,
  ): Promise<FuzzConn> {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const conn = new FuzzConn(socket, slot, name, room, roomKey, token, offers, state ?? { muted: false, cameraOff: false }, clock);
    conn.password = password;
    if (garbage) {
      conn.writeRaw(garbage, 'malformed');
      return conn;
    }
    conn.send(FrameType.HELLO, encodeJson({
      protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, name, room, client: 'room-fuzz',
      caps: { video: ['jpeg'], audio: ['opus', 'pcm'], feedback: offers },
      ...(token !== undefined ? { resumeToken: token } : {}),
      ...(state ? { state } : {}),
    }));
    return conn;
  }

  get joined(): boolean {
    return this.id !== 0 && this.closedAt === 0 && this.end === undefined;
  }

  get closed(): boolean {
    return this.closedAt !== 0;
  }

  get hasFeature(): (f: string) => boolean {
    return (f) => this.features.has(f);
  }

  /** Resolves true on WELCOME, false on REFUSE or close. */
  welcomed(): Promise<boolean> {
    if (this.id) return Promise.resolve(true);
    if (this.refused || this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.welcomeWaiter = resolve;
    });
  }

  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  send(type: FrameTypeValue, payload: Uint8Array, kind: number = StreamKind.CONTROL, codec: number = Codec.JSON, seq = 1): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(encodeFrame({ type, kind: kind as 0, codec: codec as 0, flags: 0, sender: 0, seq, ts: Date.now(), payload }));
  }

  /** Sends a chat line; the model expects it as the server cleans it, or not at all if nothing is left. */
  chat(text: string): void {
    const clean = printableChatText(text).trim();
    if (clean) this.sentChats.push({ text: clean, at: this.clock() });
    this.send(FrameType.CHAT, encodeJson({ text }), StreamKind.CHAT);
  }

  setState(state: StateMessage): void {
    this.state = state;
    this.send(FrameType.STATE, encodeJson(state));
  }

  /** A media frame whose payload starts with a tag naming its room, connection, kind and number. */
  sendMedia(kind: number, bytes: number): void {
    const seq = ++this.mediaSeq[kind]!;
    const tag = `${this.roomKey}|${this.connId}|${kind}|${seq}|`;
    const payload = Buffer.alloc(Math.max(tag.length, bytes), 0x20);
    payload.write(tag, 0, 'latin1');
    this.sentMedia.set(`${this.connId}|${kind}|${seq}`, this.clock());
    this.send(FrameType.MEDIA, payload, kind, kind === StreamKind.VIDEO ? Codec.JPEG : Codec.OPUS, seq);
  }

  /** A PING; resolves on its PONG (the server has read everything we sent before it) or on close. */
  ping(): Promise<void> {
    const seq = ++this.pingSeq;
    const done = new Promise<void>((resolve) => this.pongWaiters.set(seq, resolve));
    if (this.closed) this.pongWaiters.get(seq)!();
    this.send(FrameType.PING, new Uint8Array(0), StreamKind.CONTROL, Codec.NONE, seq);
    return done;
  }

  async receiveVideo(video: boolean): Promise<void> {
    if (!this.features.has(Feature.RECEIVE)) return;
    const sentAt = this.clock();
    const generation = ++this.receiveGeneration;
    this.send(FrameType.RECEIVE, encodeJson({ video }));
    const open = this.audioOnly.at(-1);
    if (video) {
      // Video sent from now on may come again; frames sent before this may still have been held back.
      if (open && open.to === Infinity) open.to = sentAt;
      return;
    }
    await this.ping();
    // A RECEIVE sent while this one waited for its pong decides from then on.
    if (generation !== this.receiveGeneration || this.closed) return;
    const last = this.audioOnly.at(-1);
    if (!last || last.to !== Infinity) this.audioOnly.push({ from: this.clock(), to: Infinity });
  }

  pause(): void {
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    this.paused = false;
    this.socket.resume();
  }

  leave(): void {
    this.end ??= 'bye';
    this.send(FrameType.BYE, encodeJson({ code: 'leave', message: 'bye' }));
    this.socket.end();
  }

  halfClose(): void {
    this.end ??= 'half';
    this.socket.end();
  }

  abrupt(): void {
    this.end ??= 'abrupt';
    this.lossyFrom = Math.min(this.lossyFrom, this.clock());
    this.socket.destroy();
  }

  /** Raw bytes (a malformed frame); everything from here on may be lost. */
  writeRaw(bytes: Uint8Array, end: EndKind): void {
    this.end ??= end;
    this.lossyFrom = Math.min(this.lossyFrom, this.clock());
    if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.write(bytes);
  }

  private onData(chunk: Buffer): void {
    const at = this.clock();
    let frames: DecodedFrame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.rosterErrors.push(`undecodable bytes from the server: ${(err as Error).message}`);
      return;
    }
    let ackBytes = 0;
    for (const frame of frames) {
      if (frame.type === FrameType.ACK) ackBytes += frame.raw.length;
      this.onFrame(frame, at);
    }
    this.bytesIn += chunk.length;
    if (chunk.length > ackBytes) this.owesAck();
  }

  /** ACK flow control (docs/protocol.md §5.1), simply: at most 20 ms after data arrived. */
  private owesAck(): void {
    if (!this.features.has(Feature.ACK)) return;
    this.ackOwed = true;
    this.ackTimer ??= setTimeout(() => {
      this.ackTimer = undefined;
      if (!this.ackOwed) return;
      this.ackOwed = false;
      this.send(FrameType.ACK, new Uint8Array(0), StreamKind.CONTROL, Codec.NONE, this.bytesIn % 2 ** 32);
    }, 20);
  }

  private onFrame(frame: DecodedFrame, at: number): void {
    this.frames.push({ frame, at });
    const json = (): Record<string, unknown> => JSON.parse(Buffer.from(frame.payload).toString('utf8')) as Record<string, unknown>;
    switch (frame.type) {
      case FrameType.WELCOME: {
        const w = json() as { id: number; room: string; resumeToken: string; features?: string[]; participants: Array<Record<string, unknown>> };
        this.id = w.id;
        this.token = w.resumeToken;
        this.roomSpelling = w.room;
        this.welcomeAt = at;
        for (const f of w.features ?? []) this.features.add(f);
        for (const p of w.participants) this.roster.set(p.id as number, seenOf(p));
        if (this.features.has(Feature.ACK) && this.bytesIn > 0) this.owesAck();
        this.welcomeWaiter?.(true);
        return;
      }
      case FrameType.REFUSE: {
        const r = json() as { code: string; message: string };
        this.refused = { ...r, at };
        this.welcomeWaiter?.(false);
        return;
      }
      case FrameType.BYE: {
        const b = json() as { code: string };
        this.bye = { code: b.code, at };
        return;
      }
      case FrameType.CHALLENGE: {
        const c = json() as { salt: string; nonce: string };
        const password = this.password ?? auth.password;
        if (password === undefined) return;
        const cacheKey = `${c.salt}|${password}`;
        const key = keys.get(cacheKey) ?? deriveAuthKey(password, Buffer.from(c.salt, 'base64'));
        keys.set(cacheKey, key);
        this.send(FrameType.AUTH, encodeJson({ proof: authProof(key, Buffer.from(c.nonce, 'base64'), this.room, this.name).toString('base64') }));
        return;
      }
      case FrameType.PING:
        this.send(FrameType.PONG, new Uint8Array(0), StreamKind.CONTROL, Codec.NONE, frame.seq);
        return;
      case FrameType.PONG:
        this.pongWaiters.get(frame.seq)?.();
        this.pongWaiters.delete(frame.seq);
        return;
      case FrameType.PARTICIPANT_JOINED: {
        const p = json();
        const id = p.id as number;
        if (id === this.id) this.rosterErrors.push(`told that it joined itself (${id})`);
        if (this.roster.has(id)) this.rosterErrors.push(`joined twice: ${id}`);
        this.roster.set(id, seenOf(p));
        return;
      }
      case FrameType.PARTICIPANT_LEFT: {
        const p = json() as { id: number; name: string; reason: string };
        if (!this.roster.delete(p.id)) this.rosterErrors.push(`left without having joined: ${p.id} ${p.name}`);
        this.leftReasons.push({ id: p.id, reason: p.reason });
        return;
      }
      case FrameType.STATE: {
        const seen = this.roster.get(frame.sender);
        if (!seen) this.rosterErrors.push(`state of someone not here: ${frame.sender}`);
        else seen.state = stateOf(json());
        return;
      }
      case FrameType.CHAT: {
        const c = json() as { fromId: number; from: string; text: string };
        this.chats.push({ fromId: c.fromId, from: c.from, text: c.text, at });
        if (frame.sender !== c.fromId) this.rosterErrors.push(`chat frame sender ${frame.sender} but fromId ${c.fromId}`);
        return;
      }
      case FrameType.MEDIA:
        this.media.push({ sender: frame.sender, kind: frame.kind, tag: Buffer.from(frame.payload.subarray(0, 64)).toString('latin1'), at });
        return;
      default:
        return;
    }
  }

  readonly leftReasons: Array<{ id: number; reason: string }> = [];
}

function stateOf(p: Record<string, unknown>): StateMessage {
  const s: StateMessage = { muted: p.muted === true, cameraOff: p.cameraOff === true };
  if (p.noMicrophone === true) s.noMicrophone = true;
  if (p.noCamera === true) s.noCamera = true;
  if (p.recording === true) s.recording = true;
  return s;
}

function seenOf(p: Record<string, unknown>): Seen {
  return { name: p.name as string, state: stateOf(p) };
}

/** The state as the server relays it: `false` flags dropped. */
export function normalState(s: StateMessage): StateMessage {
  return stateOf(s as unknown as Record<string, unknown>);
}
