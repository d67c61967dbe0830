import blessed from 'blessed';
import type { Call } from '../client/call.js';
import type { CallEvent, CallStats } from '../client/call-types.js';
import type { ColorMode } from '../media/video/color.js';
import { drawingLabel, type SymbolSet } from '../media/video/cell-symbols.js';
import type { RgbaImage } from '../media/video/image.js';
import { rgbaForFrame } from '../media/video/frames.js';
import { mediaStateOf } from '../protocol/index.js';
import { monotonicMs } from '../util/clock.js';
import { OncePerTurn } from '../util/once-per-turn.js';
import { CallKeys } from './call-keys.js';
import { screenLayout } from './layout.js';
import { Overlay, confirmLeaveText, helpText, statsText, type OverlayKind } from './overlays.js';
import { PasswordBox } from './password-entry.js';
import { PaneGrid, SELF_KEY, type Person, type PlayoutControls } from './pane-grid.js';
import { escapeTags } from './pane-view.js';
import { ChatPanel } from './chat-panel.js';
import { ConnectionView } from './connect-progress.js';
import { KeyRouter } from './key-router.js';
import { KeyHold } from './key-hold.js';
import { StatusBar } from './status-bar.js';
import { incomingVideoFps, joinText } from './status-line.js';
import { colorsDropped } from './screen-colors.js';
import { terminalInputOf } from './terminal.js';
import type { TerminalReport } from './terminal-reports.js';
import { TerminalPacer } from './terminal-pacer.js';
import { TooSmallNotice } from './too-small-notice.js';
import { localChatTime } from './chat-time.js';
import { RoomNews } from './room-news.js';
import { VideoLayer, type TerminalOutput } from './video-layer.js';

/** The kitty keyboard protocol's "report event types" flag. */
const KEYBOARD_FLAG_EVENT_TYPES = 2;
const SPACE_CODE = 32;

export interface CallScreenOptions {
  call: Call;
  screen: blessed.Widgets.Screen;
  output: TerminalOutput;
  colorMode: ColorMode;
  /** The characters video is drawn with (`--symbols`). Default half blocks. */
  symbols?: SymbolSet;
  selfName: string;
  room: string;
  address: string;
  tlsFingerprint?: string;
  /** Hosting: the join line goes in the status bar and leaving asks first (it ends the call for everyone). */
  joinLine?: string;
  /** Where `y` copies the join line to (clipboard.ts). */
  clipboard?: { copy(text: string, what: string): string };
  playout?: PlayoutControls;
  /**
   * A clock that never steps, for the screen's timers (the retry countdown, how long a dropout's settings wait, the
   * notices' throttle): a wall clock set by NTP or `date -s` made them jump. Default monotonicMs.
   */
  monoMs?: () => number;
}

/**
 * The call screen: a grid of participant panes, chat, status bar and overlays, drawn by blessed, with video cells
 * written by the VideoLayer. It consumes Call events and turns keys into Call actions; it never touches sockets.
 */
export class CallScreen {
  private readonly screen: blessed.Widgets.Screen;
  private readonly video: VideoLayer;
  /** Skips frames while the terminal (over SSH, the far end) has not read the last few (terminal-pacer.ts). */
  private readonly pacer = new TerminalPacer();
  private readonly grid: PaneGrid;
  private readonly chat: ChatPanel;
  private readonly status: StatusBar;
  private readonly overlay: Overlay;
  private readonly keys: KeyRouter;
  private readonly tooSmall: TooSmallNotice;
  private readonly callKeys: CallKeys;
  /** Who comes, goes and talks, in the grid and the chat (room-news.ts). */
  private readonly roomNews: RoomNews;
  private readonly connection: ConnectionView;
  /** The terminal is too small for the call: only its notice shows. */
  private small = false;
  private lastStats: CallStats | undefined;
  /** The password box, while the server wants a password (Call's `password-needed`). */
  private readonly password: PasswordBox;
  /** Screen updates, borders and video writes each happen once per event-loop turn however many events asked. */
  private readonly renderSoon = new OncePerTurn(() => {
    this.updateStatus();
    this.render(false);
  });
  private readonly chromeUpdateSoon = new OncePerTurn(() => {
    if (!this.tornDown) this.relayout(false);
  });
  private readonly videoFlushSoon = new OncePerTurn(() => this.video.flush());
  /** Push-to-talk (`--transmit ptt`): Space held down, told from its repeats. */
  private readonly talkKey: KeyHold | undefined;
  private tornDown = false;
  /** The room as the server spells it once joined (its opener's spelling); until then as asked. */
  private room: string;
  private videoBytesPerSecond = 0;
  private lastVideoBytes = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private unbindInput: () => void = () => {};
  private readonly finished: Promise<void>;
  private readonly mono: () => number;
  private resolveFinished!: () => void;

  constructor(private readonly options: CallScreenOptions) {
    this.screen = options.screen;
    this.room = options.room;
    this.mono = options.monoMs ?? monotonicMs;
    this.video = new VideoLayer(options.output, { mode: options.colorMode, ...(options.symbols ? { symbols: options.symbols } : {}), pacer: this.pacer });
    this.grid = new PaneGrid(this.screen, this.video, {
      selfMedia: () => options.call.self,
      receivingVideo: () => options.call.receivingVideo,
      playout: options.playout,
      onPaneClick: (key) => this.onPaneClick(key),
      noColor: colorsDropped(this.screen),
    }, this.mono);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.chat = new ChatPanel(this.screen, () => [...this.grid.people.everyone()].filter((p) => !p.isSelf).map((p) => p.name));
    this.connection = new ConnectionView((line) => this.chat.system(line), this.mono, options.tlsFingerprint);
    this.status = new StatusBar(this.screen);
    this.overlay = new Overlay(this.screen);
    this.password = new PasswordBox({
      chat: this.chat,
      show: () => this.showOverlay('password'),
      hide: () => this.closeOverlay(),
      answer: (password) => this.options.call.answerPassword(password),
      leave: () => void this.leave(true),
    });
    this.keys = new KeyRouter(this.screen, this.chat, this.overlay, {
      callKey: (full, afterEsc) => this.callKeys.handle(full, afterEsc),
      leaveNow: () => void this.leave(true),
      closeOverlay: () => this.closeOverlay(),
      passwordKey: (ch, key, pasted) => this.password.key(ch, key, pasted),
      sendChat: (text) => {
        this.options.call.sendChat(text);
        this.chat.message(this.options.selfName, text, Date.now(), { own: true });
        this.connection.chatSent();
      },
      changed: () => this.renderSoon.request(),
      chatShown: () => !this.small,
    });
    this.chat.onInputClick(() => {
      if (!this.chat.typing && !this.overlay.kind) this.keys.startTyping();
    });
    this.tooSmall = new TooSmallNotice(this.screen);
    this.grid.add({ key: SELF_KEY, id: 0, name: options.selfName, isSelf: true });
    this.chat.system(`joining room {bold}${escapeTags(options.room)}{/bold} at ${escapeTags(options.address)} — press {bold}?{/bold} for keys`);
    if (options.joinLine) this.chat.system(joinText(options.joinLine));
    if (options.call.transmit === 'ptt') {
      this.talkKey = new KeyHold((held) => {
        options.call.setTalkKeyHeld(held);
        this.chromeUpdateSoon.request();
      });
    }
    this.callKeys = new CallKeys({
      call: options.call, grid: this.grid, chat: this.chat, video: this.video, talkKey: this.talkKey,
      overlayKind: () => this.overlay.kind,
      startTyping: () => this.keys.startTyping(),
      showOverlay: (kind) => this.showOverlay(kind),
      closeOverlay: () => this.closeOverlay(),
      leave: (confirmed, ask) => void this.leave(confirmed, ask),
      relayout: (full) => this.relayout(full),
      renderSoon: () => this.renderSoon.request(),
      monoMs: this.mono,
      copyJoinLine: options.joinLine && options.clipboard ? () => options.clipboard!.copy(options.joinLine!, 'join command') : undefined,
    });
    this.roomNews = new RoomNews({
      grid: this.grid, chat: this.chat, selfName: options.selfName,
      // A chat stamp as this machine's clock reads it, like the time on your own lines (localChatTime).
      shownTime: (serverTs) => localChatTime(serverTs, options.call.serverWallMs(), Date.now()),
      ring: () => {
        if (this.callKeys.bellOn) this.screen.program.bell();
      },
      relayout: (full) => this.relayout(full),
      renderSoon: () => this.renderSoon.request(),
    });
    this.bindKeys();
    // Until the server answers, a key may be a password typed ahead for the box it will ask with (key-router.ts).
    this.keys.holdKeys();
    this.chat.holdInput('keys wait for the server');
    this.screen.on('resize', () => this.relayout(true));
    options.output.on?.('drain', () => this.videoFlushSoon.request());
    options.call.on((event) => this.onCallEvent(event));
    this.timers.push(setInterval(() => this.tick(), 1000));
    // Borders follow speech as it happens, not on the next 1 s tick; changes within one turn redraw once.
    options.playout?.onSpeakingChange?.(() => this.chromeUpdateSoon.request());
    this.relayout(true);
  }

  /** Resolves when the call has ended and the screen is torn down. */
  get done(): Promise<void> {
    return this.finished;
  }

  /**
   * A chat line typed but not sent when the call ended (the host ended it mid-sentence, or q after Esc kept it): not
   * to be lost silently.
   */
  get unsentChat(): string {
    return this.chat.unsent;
  }

  private onCallEvent(event: CallEvent): void {
    const call = this.options.call;
    switch (event.type) {
      case 'status':
        this.connection.status(event);
        // The password checked did not get an answer (the server went away): the retry shows instead.
        if (this.connection.retry) this.password.close();
        if (this.connection.retry || event.status === 'joined') this.releaseKeys();
        return this.renderSoon.request();
      case 'trust':
        this.connection.trust(event);
        return this.renderSoon.request();
      case 'joined':
        this.password.close();
        // Rooms are one whatever the case: `--room Standup` joins `standup`, and shows that.
        this.room = event.welcome.room;
        return this.roomNews.handle(event);
      case 'participant-joined':
      case 'participant-left':
      case 'chat':
      case 'state':
        return this.roomNews.handle(event);
      case 'video': {
        const person = this.grid.people.get(`p${event.id}`);
        if (!person) return;
        return this.showFrame(person, event.image);
      }
      case 'self-video': {
        const self = this.grid.people.get(SELF_KEY)!;
        if (!this.grid.people.selfVisible || call.self.cameraOff) return;
        let image: RgbaImage;
        try {
          image = rgbaForFrame(event.frame);
        } catch {
          return; // a broken camera frame: skip it, the next one comes in 70 ms
        }
        this.showFrame(self, image);
        return;
      }
      case 'stats':
        this.lastStats = event.stats;
        if (this.overlay.kind === 'stats') this.showOverlay('stats');
        return this.renderSoon.request();
      case 'notice':
        this.chat.system(`{yellow-fg}${escapeTags(event.message)}{/yellow-fg}`);
        return this.renderSoon.request();
      case 'talking-while-muted':
        this.chat.system(
          call.self.muted || !this.talkKey
            ? '{yellow-fg}{bold}You are muted{/bold}: press m to talk.{/yellow-fg}'
            : '{yellow-fg}{bold}Push-to-talk{/bold}: hold Space while you talk.{/yellow-fg}',
        );
        return this.renderSoon.request();
      case 'password-needed':
        this.password.ask(event.why, event.lastTry);
        return this.releaseKeys();
      case 'ended':
        this.connection.state = 'ended';
        this.chat.system(`{red-fg}${escapeTags(event.error.message)}{/red-fg}`);
        this.teardown();
        return;
      default:
        return;
    }
  }

  private showFrame(person: Person, image: RgbaImage): void {
    if (this.grid.showFrame(person, image)) this.relayout(false);
    this.videoFlushSoon.request();
  }

  /** Recomputes the layout; `full` after a resize, when blessed repaints everything. */
  private relayout(full: boolean): void {
    const cols = this.screen.width as number;
    const rows = this.screen.height as number;
    const small = this.tooSmall.update(cols, rows, { keysHeld: this.keys.holding, hosting: this.options.joinLine !== undefined });
    this.small = small;
    // Only the notice: the chat and the status bar have no room (and the chat scrolling behind it would show). An open
    // overlay stays in front of it: the leave question must be seen before y is pressed.
    this.chat.setVisible(!small);
    // Keys do what the notice says (q leaves) and not type into a line nobody sees; what was typed is kept.
    if (small && this.chat.typing) this.chat.stopTyping();
    this.video.setPaused(small || this.overlay.kind !== undefined);
    if (full) this.overlay.fit();
    this.overlay.raise();
    const layout = screenLayout(cols, rows);
    this.chat.place(layout.chat);
    this.status.place(small ? undefined : layout.status, cols);

    this.grid.layout(layout.grid, small);
    this.updateStatus();
    this.render(full);
  }

  private updateStatus(): void {
    // Figures from before a lost connection would be stale: none until we are back.
    const stats = this.connection.state === 'joined' ? this.lastStats : undefined;
    const streams = stats?.streams ?? [];
    this.status.show({
      room: this.room, address: this.options.address, tlsFingerprint: this.connection.fingerprint, connection: this.connection.state,
      connectionDetail: this.password.status() ?? this.connection.detail(),
      participants: this.grid.people.size, ...mediaStateOf(this.options.call.self),
      ...(this.talkKey ? { pushToTalk: this.talkKey.isHeld ? 'down' : 'up' } : {}),
      ...(this.options.call.receivingVideo ? {} : { audioOnly: true }),
      ...(this.chat.typing ? { chatOpen: true } : {}),
      ...(this.password.open ? { passwordOpen: true } : {}),
      ...(this.keys.holding ? { keysHeld: true } : {}),
      rttMs: stats?.rttMs ?? null, inKbps: streams.reduce((sum, s) => sum + s.video.kbps + s.audio.kbps, 0),
      inFps: incomingVideoFps(streams),
      outKbps: stats?.uplinkKbps ?? 0, colorMode: drawingLabel(this.video.colorMode, this.video.symbols), joinLine: this.options.joinLine,
    }, this.screen.width as number);
    this.screen.title = `livecomm-tui · ${this.room} (${this.grid.people.size})`;
  }

  private render(full: boolean): void {
    this.screen.render();
    // blessed buffers its output until the next tick; write it now so video lands after it, not under it.
    (this.screen.program as unknown as { flush(): void }).flush();
    if (full) this.video.invalidateAll();
    this.videoFlushSoon.request();
  }

  private tick(): void {
    // While an overlay covers the call no video is drawn: keep the last figure, the stats overlay shows it.
    if (!this.overlay.kind) this.videoBytesPerSecond = this.video.bytesWritten - this.lastVideoBytes;
    this.lastVideoBytes = this.video.bytesWritten;
    this.relayout(false); // speaking borders and status figures
  }

  private showOverlay(kind: OverlayKind): void {
    const stats = this.lastStats;
    const extras = {
      resolutionOf: (id: number) => this.grid.resolutionOf(id),
      audioOnly: !this.options.call.receivingVideo,
      jitterDelayMs: (id: number) => this.options.playout?.jitterDelayMs(id),
      videoBytesPerSecond: this.videoBytesPerSecond,
      flushesSkipped: this.video.flushesSkipped,
      terminalRoundTripMs: this.pacer.roundTripMs,
      self: this.options.call.self,
    };
    // A host's help spans the screen without side borders: a mouse selection of its join command takes nothing else.
    const fullWidth = kind === 'help' && this.options.joinLine !== undefined;
    this.overlay.show(kind, (width) => {
      if (kind === 'help') return helpText(width, this.options.joinLine);
      if (kind === 'stats') return statsText(stats, extras, width);
      if (kind === 'password') return this.password.text(this.options.room, this.options.address, width, (this.screen.height as number) - 2);
      return confirmLeaveText(width, this.screen.height as number, this.options.joinLine !== undefined);
    }, fullWidth);
    this.video.setPaused(true);
    this.render(false);
  }

  /**
   * What the terminal reports: it has read up to a video frame (the pacer lets the next ones go), and, for
   * push-to-talk, key releases (src/tui/terminal.ts asks for them when `ptt`).
   */
  private onTerminalReport(report: TerminalReport): void {
    if (report.kind === 'status') {
      this.pacer.answered();
      return this.videoFlushSoon.request();
    }
    if (report.kind === 'keyboard-flags' && (report.flags & KEYBOARD_FLAG_EVENT_TYPES) !== 0) this.talkKey?.trustReportedReleases();
    if (report.kind === 'key-release' && report.code === SPACE_CODE) this.talkKey?.release();
  }

  private closeOverlay(): void {
    this.overlay.hide();
    this.relayout(true);
  }

  private bindKeys(): void {
    const stopKeys = this.keys.bind();
    const stopReports = terminalInputOf(this.screen)?.onReport((report) => this.onTerminalReport(report));
    this.unbindInput = () => {
      stopKeys();
      stopReports?.();
    };
  }

  /** The server answered (or did not answer): the keys typed meanwhile go into the password box, or act. */
  private releaseKeys(): void {
    // Only the first answer holds anything back: later statuses (a reconnect) find the keys going where they go.
    if (!this.keys.holding) return;
    if (!this.password.open) this.chat.holdInput(undefined);
    this.keys.releaseKeys();
    // The too-small notice says q leaves again (it said only Ctrl-C while q waited).
    this.chromeUpdateSoon.request();
  }

  /** Clicking a pane spotlights its person; clicking the spotlight goes back to the grid (not under an overlay). */
  private onPaneClick(key: string): void {
    if (this.overlay.kind) return;
    this.grid.people.select(key);
    this.relayout(true);
  }

  /** Leaves the call; unless `confirmed`, a host is asked first (it ends the call), and so is anyone when `ask`. */
  private async leave(confirmed: boolean, ask = false): Promise<void> {
    if ((this.options.joinLine || ask) && !confirmed && this.connection.state !== 'ended') return this.showOverlay('confirm-leave');
    await this.options.call.leave();
  }

  private teardown(): void {
    this.tornDown = true;
    this.talkKey?.release();
    for (const timer of this.timers) clearInterval(timer);
    this.unbindInput();
    this.video.setPaused(true);
    this.resolveFinished();
  }
}

