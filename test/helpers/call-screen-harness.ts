import { PassThrough, Writable } from 'node:stream';
import xterm from '@xterm/headless';
import blessed from 'blessed';
import type { Call } from '../../src/client/call.js';
import type { CallEvent } from '../../src/client/call-types.js';
import { CallEndedError } from '../../src/client/errors.js';
import type { ParticipantInfo } from '../../src/protocol/index.js';
import { CallScreen } from '../../src/tui/call-screen.js';
import type { ChatPanel } from '../../src/tui/chat-panel.js';
import type { Overlay } from '../../src/tui/overlays.js';
import type { PaneGrid } from '../../src/tui/pane-grid.js';
import type { PasswordBox } from '../../src/tui/password-entry.js';
import { createScreen } from '../../src/tui/terminal.js';
import { teachBlessedWideCharacters } from '../../src/tui/wide-chars.js';
import type { VideoLayer } from '../../src/tui/video-layer.js';

/**
 * The call screen in-process: the real CallScreen on a real blessed screen (createScreen, as the CLI makes it), fed
 * bytes as a terminal sends them, its output replayed into @xterm/headless; a stand-in Call that records what the
 * keys asked of it and emits the events a test chooses.
 */
export class FakeCall {
  private readonly listeners = new Set<(event: CallEvent) => void>();
  /** What the screen asked of the call, in order ("mute true", "leave", "chat hi", "password x"). */
  readonly actions: string[] = [];
  self = { id: 1, muted: false, cameraOff: false };
  chosen = { muted: false, cameraOff: false };
  sources = { video: true, audio: true };
  receivingVideo = true;
  transmit: 'voice' | 'ptt' | 'continuous' = 'voice';
  microphoneReopening = false;
  /** How far the server's clock, as the call estimates it, is from this machine's (Date.now). */
  serverOffsetMs = 0;

  on(listener: (event: CallEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: CallEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  setMuted(muted: boolean): void {
    this.chosen.muted = this.self.muted = muted;
    this.actions.push(`mute ${muted}`);
  }

  setCameraOff(off: boolean): void {
    this.chosen.cameraOff = this.self.cameraOff = off;
    this.actions.push(`camera-off ${off}`);
  }

  setReceiveVideo(video: boolean): void {
    this.receivingVideo = video;
    this.actions.push(`receive-video ${video}`);
  }

  setTalkKeyHeld(held: boolean): void {
    this.actions.push(`talk ${held}`);
  }

  serverWallMs(): number {
    return Date.now() + this.serverOffsetMs;
  }

  sendChat(text: string): void {
    this.actions.push(`chat ${text}`);
  }

  async leave(): Promise<void> {
    this.actions.push('leave');
  }

  answerPassword(password: string | undefined): void {
    this.actions.push(`password ${password ?? '(none)'}`);
  }

  end(message = 'call ended'): void {
    this.emit({ type: 'ended', error: new CallEndedError('left', 'left', message) });
  }
}

/** The call screen's parts a test looks into. */
export interface ScreenParts {
  chat: ChatPanel;
  overlay: Overlay;
  grid: PaneGrid;
  password: PasswordBox;
  video: VideoLayer;
}

export interface HarnessOptions {
  cols: number;
  rows: number;
  joinLine?: string;
  selfName?: string;
  /** `ptt`: push-to-talk, Space held down to talk. */
  transmit?: 'voice' | 'ptt' | 'continuous';
  /** The screen's monotonic clock (CallScreenOptions.monoMs). */
  monoMs?: () => number;
  /**
   * false: the server has not answered yet (keys wait for it, call-screen.ts); default true, as if the call had
   * joined at once (a status event; the test emits who is there).
   */
  answered?: boolean;
}

export class CallScreenHarness {
  readonly call = new FakeCall();
  readonly screen: blessed.Widgets.Screen;
  readonly view: CallScreen;
  readonly term: xterm.Terminal;
  private readonly tty: PassThrough;
  private readonly out: Writable & { columns: number; rows: number };
  /** Output not yet replayed into the emulator. */
  private pending: Buffer[] = [];
  /** Every write to the terminal, with the size it had then. */
  readonly writes: Array<{ bytes: Buffer; cols: number; rows: number }> = [];
  cols: number;
  rows: number;

  constructor(options: HarnessOptions) {
    this.cols = options.cols;
    this.rows = options.rows;
    this.call.transmit = options.transmit ?? 'voice';
    this.tty = Object.assign(new PassThrough(), {
      isTTY: true,
      isRaw: false,
      setRawMode(this: { isRaw: boolean }, mode: boolean) {
        this.isRaw = mode;
        return this;
      },
    });
    const writes = this.writes;
    const pending = this.pending;
    const size = (): { cols: number; rows: number } => ({ cols: this.cols, rows: this.rows });
    this.out = Object.assign(
      new Writable({
        write(chunk: Buffer | string, _encoding, done) {
          const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
          writes.push({ bytes, ...size() });
          pending.push(bytes);
          done();
        },
      }),
      { columns: options.cols, rows: options.rows, isTTY: true },
    );
    this.term = new xterm.Terminal({ cols: options.cols, rows: options.rows, allowProposedApi: true });
    // Characters as wide as blessed takes them (wide-chars.ts teaches it the widths tmux and current terminals use):
    // xterm.js's own Unicode 6 table gives emoji one column.
    teachBlessedWideCharacters();
    this.term.unicode.register(BLESSED_WIDTHS);
    this.term.unicode.activeVersion = BLESSED_WIDTHS.version;
    // The terminal's answers (the video pacer's status questions) come back as input, as from a real one.
    this.term.onData((answer) => this.tty.write(answer));
    this.screen = createScreen({
      input: this.tty as unknown as NodeJS.ReadStream,
      output: this.out as unknown as NodeJS.WriteStream,
      env: { TERM: 'xterm-256color' },
      title: 'test',
    });
    this.view = new CallScreen({
      call: this.call as unknown as Call,
      screen: this.screen,
      output: this.out as never,
      colorMode: 'truecolor',
      selfName: options.selfName ?? 'me',
      room: 'room',
      address: '127.0.0.1:1',
      ...(options.joinLine ? { joinLine: options.joinLine, clipboard: { copy: () => 'copied' } } : {}),
      ...(options.monoMs ? { monoMs: options.monoMs } : {}),
    });
    if (options.answered !== false) this.call.emit({ type: 'status', status: 'joined' });
  }

  /** The call has ended (its screen torn down). */
  get ended(): boolean {
    return (this.view as unknown as { tornDown: boolean }).tornDown;
  }

  get parts(): ScreenParts {
    return this.view as unknown as ScreenParts;
  }

  /** Bytes as the terminal sends them, in one read. */
  type(bytes: string): void {
    this.tty.write(bytes);
  }

  /** The terminal is now `cols`×`rows` (what blessed does on SIGWINCH, without its 300 ms debounce). */
  async resize(cols: number, rows: number): Promise<void> {
    await this.replay();
    this.cols = cols;
    this.rows = rows;
    this.term.resize(cols, rows);
    this.out.columns = cols;
    this.out.rows = rows;
    const program = this.screen.program as unknown as { cols: number; rows: number; emit(event: string): void };
    program.cols = cols;
    program.rows = rows;
    program.emit('resize');
  }

  /** Lets the screen's once-a-turn updates (renders, video flushes) run, and the terminal read what they wrote. */
  async settle(): Promise<void> {
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
    await this.replay();
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Replays what was written into the emulator, until nothing more is waiting: on return the emulator shows all that
   * the screen wrote (a timer's render can write while the emulator parses).
   */
  async replay(): Promise<void> {
    while (this.pending.length > 0) {
      const bytes = Buffer.concat(this.pending.splice(0));
      await new Promise<void>((done) => this.term.write(bytes, done));
    }
  }

  /** The emulator's screen, row by row (after replay()). */
  text(): string[] {
    const buffer = this.term.buffer.active;
    return Array.from({ length: this.rows }, (_, y) => buffer.getLine(y)?.translateToString(true) ?? '');
  }

  async close(): Promise<void> {
    if (!this.ended) this.call.end();
    await this.view.done;
    this.screen.destroy();
    this.term.dispose();
  }
}

const blessedUnicode = (blessed as unknown as { unicode: { charWidth(s: string): number } }).unicode;
/** xterm.js's property value: width in bits 1–2, bit 0 "joins the character before" (its UnicodeService). */
const properties = (width: number, joins: boolean): number => ((width & 3) << 1) | (joins ? 1 : 0);
const BLESSED_WIDTHS = {
  version: 'blessed',
  wcwidth(point: number): 0 | 1 | 2 {
    if (point < 0x20 || (point >= 0x7f && point < 0xa0)) return 0;
    return Math.max(0, Math.min(2, blessedUnicode.charWidth(String.fromCodePoint(point)))) as 0 | 1 | 2;
  },
  charProperties(point: number, preceding: number): number {
    const width = this.wcwidth(point);
    return properties(width, width === 0 && preceding !== 0);
  },
};

let nextId = 2;
/** A participant of the stand-in call. */
export function participant(name: string, state: Partial<ParticipantInfo> = {}): ParticipantInfo {
  return { id: nextId++, name, muted: false, cameraOff: false, ...state };
}
