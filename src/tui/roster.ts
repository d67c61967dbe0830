import { gridRects, gridShape, moveFocusIndex, spotlightRects, type Rect } from './layout.js';

/** What the roster needs to know of a person; the call screen keeps its pane and media state alongside. */
export interface RosterEntry {
  key: string;
  isSelf: boolean;
}

/** The people to draw, in order, each with its rectangle, and which of them has the focus. */
export interface Arrangement<P> {
  people: P[];
  rects: Rect[];
  focus: number;
}

/**
 * Who the call screen shows and where, pure: the people in the order they came (you first), who has the focus
 * (what +, -, f act on), who is in the spotlight and whether your self view shows. The call screen owns the panes and
 * the terminal; this decides which panes and where.
 */
export class Roster<P extends RosterEntry> {
  private readonly byKey = new Map<string, P>();
  // The focus is on a person, not a place in the grid: someone leaving before them moves their pane, not the focus.
  // Undefined until someone is placed: then the first pane.
  private focusKey: string | undefined;
  private spotlightKey: string | undefined;
  /** Panes per row as last arranged (1 in the spotlight): how far up and down move the focus. */
  private columns = 1;
  private showSelf = true;

  get size(): number {
    return this.byKey.size;
  }

  get selfVisible(): boolean {
    return this.showSelf;
  }

  get(key: string): P | undefined {
    return this.byKey.get(key);
  }

  everyone(): IterableIterator<P> {
    return this.byKey.values();
  }

  /** Adds a person; false when the key is already there. */
  add(person: P): boolean {
    if (this.byKey.has(person.key)) return false;
    this.byKey.set(person.key, person);
    return true;
  }

  /**
   * Removes a person (and the spotlight, if it was on them); returns whom it removed. Their focus goes to the pane
   * after theirs, or before it when theirs was the last.
   */
  remove(key: string): P | undefined {
    const person = this.byKey.get(key);
    if (key === this.focusKey) this.focusKey = this.neighbourOf(key);
    this.byKey.delete(key);
    if (this.spotlightKey === key) this.spotlightKey = undefined;
    return person;
  }

  /** Everyone with a pane: all but you while your self view is hidden. */
  visible(): P[] {
    return [...this.byKey.values()].filter((p) => !p.isSelf || this.showSelf);
  }

  /** Where each visible person goes in `area`: the grid, or one pane filling it in the spotlight. */
  arrange(area: Rect): Arrangement<P> {
    const people = this.visible();
    const focus = this.focusIndexIn(people);
    const spot = this.spotlightKey === undefined ? -1 : people.findIndex((p) => p.key === this.spotlightKey);
    this.columns = spot >= 0 ? 1 : gridShape(people.length, area).columns;
    const rects = spot >= 0 ? spotlightRects(people.length, spot, area) : gridRects(people.length, area);
    return { people, rects, focus };
  }

  focused(): P | undefined {
    const people = this.visible();
    return people[this.focusIndexIn(people)];
  }

  /** Moves the focus; in the spotlight the spotlight moves with it (the one pane shown is the one focused). */
  moveFocus(move: 'next' | 'previous' | 'up' | 'down'): void {
    const people = this.visible();
    this.focusKey = people[moveFocusIndex(this.focusIndexIn(people), people.length, this.columns, move)]?.key;
    if (this.spotlightKey !== undefined) this.spotlightKey = this.focused()?.key;
  }

  /** Whose pane fills the screen, if anyone's. */
  get spotlit(): string | undefined {
    return this.spotlightKey;
  }

  /** Moves the focus to `key`'s pane (the spotlight with it, when on). */
  focusOn(key: string): void {
    if (!this.visible().some((p) => p.key === key)) return;
    this.focusKey = key;
    if (this.spotlightKey !== undefined) this.spotlightKey = key;
  }

  /** Spotlights the focused person, or ends the spotlight. */
  toggleSpotlight(): void {
    const focused = this.focused();
    this.spotlightKey = this.spotlightKey !== undefined || !focused ? undefined : focused.key;
  }

  /** A click on someone's pane: the spotlight on them (focused too), or, in the spotlight, back to the grid. */
  select(key: string): void {
    if (!this.visible().some((p) => p.key === key)) return;
    this.focusKey = key;
    this.spotlightKey = this.spotlightKey === undefined ? key : undefined;
  }

  /** Hides or shows your self view; hidden while it has the focus, the focus moves on as when someone leaves. */
  toggleSelf(): void {
    const self = this.visible().find((p) => p.isSelf);
    if (self && self.key === this.focusKey) this.focusKey = this.neighbourOf(self.key);
    // A hidden pane cannot fill the screen: the grid comes back.
    if (self && self.key === this.spotlightKey) this.spotlightKey = undefined;
    this.showSelf = !this.showSelf;
  }

  /** Where the focused person is among `people` (the first when nobody has the focus yet), and they keep it. */
  private focusIndexIn(people: P[]): number {
    const index = people.findIndex((p) => p.key === this.focusKey);
    if (index >= 0) return index;
    this.focusKey = people[0]?.key;
    return 0;
  }

  /** Who takes the focus from `key` when that pane goes: the next one, or the one before when it was the last. */
  private neighbourOf(key: string): string | undefined {
    const people = this.visible();
    const index = people.findIndex((p) => p.key === key);
    return (people[index + 1] ?? people[index - 1])?.key;
  }
}
