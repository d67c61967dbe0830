import type { Call } from '../client/call.js';
import { COLOR_MODES } from '../media/video/color.js';
import { SYMBOL_SETS, symbolsNotice } from '../media/video/cell-symbols.js';
import { monotonicMs } from '../util/clock.js';
import { nextInCycle } from '../util/cycle.js';
import type { ChatPanel } from './chat-panel.js';
import type { KeyHold } from './key-hold.js';
import type { OverlayKind } from './overlays.js';
import type { PaneGrid } from './pane-grid.js';
import type { VideoLayer } from './video-layer.js';

/** A "no microphone/camera/speaker" notice is not repeated sooner than this. */
const NO_SOURCE_REPEAT_MS = 20_000;

/** What the call keys act on: the call screen's parts, and what only the screen itself can do. */
export interface CallKeyScreen {
  readonly call: Call;
  readonly grid: PaneGrid;
  readonly chat: ChatPanel;
  readonly video: VideoLayer;
  /** Push-to-talk's Space, with `--transmit ptt`. */
  readonly talkKey: KeyHold | undefined;
  overlayKind(): OverlayKind | undefined;
  startTyping(): void;
  showOverlay(kind: OverlayKind): void;
  closeOverlay(): void;
  /** Leaves; unless `confirmed`, a host is asked first, and anyone when `ask`. */
  leave(confirmed: boolean, ask?: boolean): void;
  /** Hosting: copies the join command to the clipboard and returns what to tell the user (clipboard.ts). */
  copyJoinLine?: (() => string) | undefined;
  /** Lays the screen out again; `full` when what is drawn where changed (blessed repaints everything). */
  relayout(full: boolean): void;
  renderSoon(): void;
  /** Milliseconds on a clock that never steps, for the notices' throttle. Default monotonicMs. */
  readonly monoMs?: () => number;
}

/** What each call key does (key-router.ts decides which keys are call keys; the screen draws the result). */
export class CallKeys {
  private bell = true;
  /** When each "no microphone/camera/speaker" (or "not your own volume") notice was last given. */
  private readonly saidNoSource = new Map<string, number>();

  constructor(private readonly screen: CallKeyScreen) {}

  /** Whether joins and mentions ring the terminal's bell (`b`). */
  get bellOn(): boolean {
    return this.bell;
  }

  /** `afterEsc`: Esc came with it in one read (key-router.ts): it may be Alt and the key, pressed by mistake. */
  handle(full: string, afterEsc = false): void {
    const { call, grid, chat } = this.screen;
    switch (full) {
      case 'm':
        // A microphone lost for good is none; one lost for a while is muted or not for when it is back.
        if (!call.sources.audio || (call.self.noMicrophone && !call.microphoneReopening)) return this.noSource('microphone', '--audio');
        call.setMuted(!call.chosen.muted);
        // The status bar says "no mic" while it is lost: what m did shows here instead.
        if (call.microphoneReopening) {
          this.screen.chat.system(call.chosen.muted ? 'muted: your microphone stays muted when it is back' : 'unmuted: your microphone sends again when it is back');
        }
        return this.screen.relayout(false);
      case 'v':
        if (!call.sources.video) return this.noSource('camera', '--video');
        call.setCameraOff(!call.chosen.cameraOff);
        return this.screen.relayout(false);
      // Enter arrives as 'enter' and then 'return' (see line-editor.ts): only 'enter' counts.
      case 'c': case 'enter': return this.screen.startTyping();
      case 'a': return this.toggleAudioOnly();
      case 'space': return this.screen.talkKey?.press();
      case 'tab': case 'right': return this.moveFocus('next');
      case 'S-tab': case 'left': return this.moveFocus('previous');
      case 'down': return this.moveFocus('down');
      case 'up': return this.moveFocus('up');
      case 'f':
        grid.people.toggleSpotlight();
        return this.screen.relayout(true);
      case '+': case '=': return this.changeVolume(0.1);
      case '-': case '_': return this.changeVolume(-0.1);
      case 'r': return this.cycleColor();
      case 'g': return this.cycleSymbols();
      case 'i':
        grid.people.toggleSelf();
        // Said, as b is: alone in the call, hiding yourself leaves an empty screen.
        chat.system(grid.people.selfVisible ? 'your own picture is shown' : 'your own picture is hidden (i shows it)');
        return this.screen.relayout(true);
      case 'b': this.bell = !this.bell; chat.system(`bell ${this.bell ? 'on' : 'off'}`); return this.screen.renderSoon();
      case 's': return this.screen.overlayKind() === 'stats' ? this.screen.closeOverlay() : this.screen.showOverlay('stats');
      case '?': return this.screen.showOverlay('help');
      case 'y': return this.copyJoinLine();
      case 'pageup': chat.scroll(-chat.pageRows); return this.screen.renderSoon();
      case 'pagedown': chat.scroll(chat.pageRows); return this.screen.renderSoon();
      case 'end': chat.scrollToNewest(); return this.screen.renderSoon();
      // Alt-q (or Esc, q at once in tmux: the same bytes) asks first: leaving is the one key not taken back.
      case 'q': return this.screen.leave(false, afterEsc);
      default: return;
    }
  }

  private copyJoinLine(): void {
    const said = this.screen.copyJoinLine?.();
    if (!said) return;
    this.screen.chat.system(said);
    this.screen.renderSoon();
  }

  private noSource(what: string, flag: string): void {
    this.sayOnceInAWhile(what, `no ${what} in this call (choose one with ${flag})`);
  }

  /** Why a key did nothing, in the chat (yellow), at most every NO_SOURCE_REPEAT_MS for each `topic`. */
  private sayOnceInAWhile(topic: string, text: string): void {
    // Once in a while, not once per key press: eight presses of + pushed eight copies through a 3-row chat.
    // On the monotonic clock: a wall clock set back an hour kept the notice quiet for that hour.
    const now = (this.screen.monoMs ?? monotonicMs)();
    if (now - (this.saidNoSource.get(topic) ?? -Infinity) < NO_SOURCE_REPEAT_MS) return;
    this.saidNoSource.set(topic, now);
    this.screen.chat.system(`{yellow-fg}${text}{/yellow-fg}`);
    this.screen.renderSoon();
  }

  private toggleAudioOnly(): void {
    const call = this.screen.call;
    call.setReceiveVideo(!call.receivingVideo);
    this.screen.chat.system(call.receivingVideo ? 'video on: the others\' video is coming again' : 'audio only: the others\' video is not sent to you (a: video again)');
    this.screen.relayout(true);
  }

  private moveFocus(move: 'next' | 'previous' | 'up' | 'down'): void {
    this.screen.grid.people.moveFocus(move);
    this.screen.relayout(false);
  }

  private changeVolume(delta: number): void {
    const result = this.screen.grid.changeFocusedVolume(delta);
    if (result === 'changed') this.screen.relayout(false);
    if (result === 'no-speaker') this.noSource('speaker', '--speaker');
    // The focus starts on your own pane, where + and - did nothing and said nothing.
    if (result === 'nobody') {
      const alone = this.screen.grid.people.size <= 1;
      this.sayOnceInAWhile('volume', alone
        ? '+ and - set the volume of the others: nobody else is here yet'
        : '+ and - set the volume of the focused person, and that is you now: Tab to someone else first');
    }
  }

  private cycleColor(): void {
    const next = nextInCycle(COLOR_MODES, this.screen.video.colorMode);
    this.screen.video.setDrawing({ mode: next });
    this.screen.chat.system(`colour mode: ${next}`);
    this.screen.relayout(true);
  }

  private cycleSymbols(): void {
    const next = nextInCycle(SYMBOL_SETS, this.screen.video.symbols);
    this.screen.video.setDrawing({ symbols: next });
    this.screen.chat.system(symbolsNotice(next, this.screen.video.colorMode));
    this.screen.relayout(true);
  }
}
