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
 * Who the call screen shows and where, pure: the people in the order they came (you first), which pane has the focus
 * (what +, -, f act on), who is in the spotlight and whether your self view shows. The call screen owns the panes and
 * the terminal; this decides which panes and where.
 */
export class Roster<P extends RosterEntry> {
  private readonly byKey = new Map<string, P>();
  private focusIndex = 0;
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

  /** Removes a person (and the spotlight, if it was on them); returns whom it removed. */
  remove(key: string): P | undefined {
    const person = this.byKey.get(key);
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
    this.focusIndex = Math.min(this.focusIndex, Math.max(0, people.length - 1));
    const spot = this.spotlightKey === undefined ? -1 : people.findIndex((p) => p.key === this.spotlightKey);
    this.columns = spot >= 0 ? 1 : gridShape(people.length, area).columns;
    const rects = spot >= 0 ? spotlightRects(people.length, spot, area) : gridRects(people.length, area);
    return { people, rects, focus: this.focusIndex };
  }

  focused(): P | undefined {
    const people = this.visible();
    return people[Math.min(this.focusIndex, people.length - 1)];
  }

  /** Moves the focus; in the spotlight the spotlight moves with it (the one pane shown is the one focused). */
  moveFocus(move: 'next' | 'previous' | 'up' | 'down'): void {
    this.focusIndex = moveFocusIndex(this.focusIndex, this.visible().length, this.columns, move);
    if (this.spotlightKey !== undefined) this.spotlightKey = this.focused()?.key;
  }

  /** Spotlights the focused person, or ends the spotlight. */
  toggleSpotlight(): void {
    const focused = this.focused();
    this.spotlightKey = this.spotlightKey !== undefined || !focused ? undefined : focused.key;
  }

  /** A click on someone's pane: the spotlight on them (focused too), or, in the spotlight, back to the grid. */
  select(key: string): void {
    const index = this.visible().findIndex((p) => p.key === key);
    if (index < 0) return;
    this.focusIndex = index;
    this.spotlightKey = this.spotlightKey === undefined ? key : undefined;
  }

  toggleSelf(): void {
    this.showSelf = !this.showSelf;
  }
}
