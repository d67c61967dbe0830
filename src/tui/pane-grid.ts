import type blessed from 'blessed';
import type { RgbaImage } from '../media/video/image.js';
import { mediaStateOf, type StateMessage } from '../protocol/index.js';
import { monotonicMs } from '../util/clock.js';
import type { Rect } from './layout.js';
import { PaneView, type PaneModel } from './pane-view.js';
import { ReturningPeople } from './returning-people.js';
import { Roster } from './roster.js';
import { repaintArea } from './terminal.js';
import type { VideoLayer } from './video-layer.js';

/** Per-person audio controls and signals from the playout side. */
export interface PlayoutControls {
  /** False when nothing is played (no speaker): volumes would change nothing. */
  readonly hasSpeaker?: boolean;
  isSpeaking(id: number): boolean;
  isSelfSpeaking(): boolean;
  volumeOf(id: number): number;
  setVolume(id: number, volume: number): void;
  jitterDelayMs(id: number): number | undefined;
  /** Someone started or stopped speaking. */
  onSpeakingChange?(listener: () => void): void;
}

/** What the grid reads of the call at each layout. */
export interface PaneGridSignals {
  /** Your own microphone and camera state. */
  selfMedia(): StateMessage;
  /** False while you chose audio only: the others' panes show their names. */
  receivingVideo(): boolean;
  playout: PlayoutControls | undefined;
  /** Someone's pane was clicked. */
  onPaneClick?(key: string): void;
  /** The screen draws no colours (NO_COLOR): what colour says must show otherwise. */
  readonly noColor?: boolean;
}

/** One participant on screen. */
export interface Person {
  key: string;
  id: number;
  name: string;
  /** What they told the room (STATE); your own comes from the call. */
  media: StateMessage;
  isSelf: boolean;
  view: PaneView;
  hasVideo: boolean;
  /** Size of the last frame shown; 0 before the first. */
  width: number;
  height: number;
}

export const SELF_KEY = 'self';

/**
 * The panes of the call screen: one bordered PaneView per person, laid out by the Roster, with the video layer told
 * where each picture goes. The call screen decides when to lay out; this keeps people, panes and video areas in step.
 */
export class PaneGrid {
  readonly people = new Roster<Person>();
  /** Volumes you set, by name: someone who drops out and comes back (a new id) is as loud as you left them. */
  private readonly volumeByName = new Map<string, number>();
  private readonly returning = new ReturningPeople();
  /**
   * Someone who had the focus dropped out, and whose pane holds it since: the focus goes back to them when they are
   * back, if it is still there (you did not move it). Handed on when that pane goes too (our own reconnect removes
   * everyone in turn).
   */
  private focusAwaiting: { name: string; heldBy: string | undefined } | undefined;

  constructor(
    private readonly screen: blessed.Widgets.Screen,
    private readonly video: VideoLayer,
    private readonly signals: PaneGridSignals,
    /** The clock a dropout's settings wait by: monotonic, so a wall clock set forward does not forget them. */
    private readonly now: () => number = monotonicMs,
  ) {}

  /**
   * Adds someone's pane; true when they are back after dropping out (ReturningPeople): the spotlight, the focus and
   * the volume you gave them are theirs again.
   */
  add(p: { key: string; id: number; name: string; isSelf: boolean } & Partial<StateMessage>): boolean {
    if (this.people.get(p.key)) return false;
    const view = new PaneView(this.screen);
    view.box.on('click', () => this.signals.onPaneClick?.(p.key));
    this.people.add({ key: p.key, id: p.id, name: p.name, media: mediaStateOf(p), isSelf: p.isSelf, view, hasVideo: false, width: 0, height: 0 });
    if (p.isSelf) return false;
    const volume = this.volumeByName.get(p.name);
    if (volume !== undefined) this.signals.playout?.setVolume(p.id, volume);
    const left = this.returning.returned(p.name, this.now());
    const awaiting = this.focusAwaiting;
    if (awaiting?.name === p.name) this.focusAwaiting = undefined;
    if (!left) return false;
    // The spotlight only when nobody has it now: one you gave someone else meanwhile stays.
    if (left.spotlight && this.people.spotlit === undefined) {
      this.people.focusOn(p.key);
      this.people.toggleSpotlight();
    } else if (awaiting?.name === p.name && this.people.spotlit === undefined && this.people.focused()?.key === awaiting.heldBy) {
      this.people.focusOn(p.key);
    }
    return true;
  }

  /** Removes someone's pane; `droppedOut`: not a leave they chose, so they may well be back (ReturningPeople). */
  remove(key: string, droppedOut = false): void {
    const person = this.people.get(key);
    const spotlight = this.people.spotlit === key;
    const focused = this.people.focused()?.key === key;
    this.people.remove(key)?.view.destroy();
    if (!person) return;
    if (focused) {
      const heldBy = this.people.focused()?.key;
      if (this.focusAwaiting?.heldBy === key) this.focusAwaiting.heldBy = heldBy;
      else this.focusAwaiting = droppedOut ? { name: person.name, heldBy } : undefined;
    }
    if (droppedOut) this.returning.dropped(person.name, { spotlight }, this.now());
  }

  /** Hands a picture to the video layer; true when it is the person's first (their pane changes from "waiting"). */
  showFrame(person: Person, image: RgbaImage): boolean {
    // Every frame: a sender's rate control or congestion ladder changes the size mid-call (the stats overlay shows it).
    person.width = image.width;
    person.height = image.height;
    this.video.submit(person.key, image);
    if (person.hasVideo) return false;
    person.hasVideo = true;
    return true;
  }

  /** "160×106", "–" before the first frame, "camera off" (not its last size) while it is; for the stats overlay. */
  resolutionOf(id: number): string {
    const person = [...this.people.everyone()].find((p) => p.id === id && !p.isSelf);
    if (!person?.hasVideo) return '–';
    return person.media.cameraOff ? 'camera off' : `${person.width}×${person.height}`;
  }

  /**
   * The focused person's playout volume up or down (0–2, in tenths): 'changed', 'nobody' (only you, or yourself
   * focused) or 'no-speaker' (nothing is played).
   */
  changeFocusedVolume(delta: number): 'changed' | 'nobody' | 'no-speaker' {
    const focused = this.people.focused();
    const playout = this.signals.playout;
    if (!playout || playout.hasSpeaker === false) return 'no-speaker';
    if (!focused || focused.isSelf) return 'nobody';
    const volume = Math.min(2, Math.max(0, Math.round((playout.volumeOf(focused.id) + delta) * 10) / 10));
    playout.setVolume(focused.id, volume);
    this.volumeByName.set(focused.name, volume);
    return 'changed';
  }

  /** Lays the panes out in `area` (nothing shows when the terminal is too small) and tells the video layer. */
  layout(area: Rect, tooSmall: boolean): void {
    const { playout } = this.signals;
    const audioOnly = !this.signals.receivingVideo();
    const { people, rects, focus } = this.people.arrange(area);
    const panes = people.map((person, i) => {
      const media = person.isSelf ? this.signals.selfMedia() : person.media;
      const model: PaneModel = {
        key: person.key, name: person.name, isSelf: person.isSelf, muted: media.muted, cameraOff: media.cameraOff,
        noMicrophone: media.noMicrophone === true, noCamera: media.noCamera === true, recording: media.recording === true,
        speaking: person.isSelf ? (playout?.isSelfSpeaking() ?? false) : (playout?.isSpeaking(person.id) ?? false),
        focused: i === focus && people.length > 1, volume: person.isSelf ? 1 : (playout?.volumeOf(person.id) ?? 1),
        waitingForVideo: !person.hasVideo,
        ...(audioOnly && !person.isSelf ? { audioOnly: true } : {}),
        ...(this.signals.noColor ? { noColor: true } : {}),
      };
      const inner = tooSmall ? { x: 0, y: 0, width: 0, height: 0 } : person.view.update(model, rects[i]!);
      return { key: person.key, area: { x: inner.x, y: inner.y, cols: inner.width, rows: inner.height }, mirror: person.isSelf };
    });
    for (const person of this.people.everyone()) if (!people.includes(person)) person.view.box.hide();
    this.video.setPanes(panes);
    for (const uncovered of this.video.takeUncovered()) repaintArea(this.screen, uncovered);
  }
}
