import blessed from 'blessed';
import { MIN_COLS, MIN_ROWS } from './layout.js';
import { visibleLength } from './pane-view.js';

/** What the keys the notice names do. */
export interface TooSmallKeys {
  /** Keys wait for the server's first answer (key-router.ts holdKeys), a q too: only Ctrl-C is offered, as the key row does. */
  keysHeld?: boolean;
  /** A host's q and Ctrl-C end the call for everyone (q asks first; its question shows over the notice). */
  hosting?: boolean;
}

/**
 * The notice's lines (blessed tags) for a `cols`×`rows` terminal: the fullest that fits. It says how to leave, as the
 * status bar it replaces did.
 */
export function tooSmallLines(cols: number, rows: number, keys: TooSmallKeys = {}): string[] {
  const size = `${cols}×${rows}`;
  const needs = `${MIN_COLS}×${MIN_ROWS}`;
  const verb = keys.hosting ? 'end call' : 'leave';
  const short = keys.keysHeld ? `Ctrl-C ${verb}` : `q ${verb}`;
  const leave = keys.keysHeld ? short : `${short} · Ctrl-C ${verb} now`;
  const candidates = [
    [`{bold}The terminal is ${size}.{/bold}`, `livecomm-tui needs at least ${needs}: make the window larger.`, '', leave],
    [`{bold}${size}: too small{/bold}`, `needs ${needs}`, leave],
    [`{bold}${size}: too small{/bold}`, `needs ${needs}`, short],
    [`{bold}${size}: too small{/bold}`, `needs ${needs}`],
  ];
  const fits = (lines: string[]): boolean => lines.length <= rows && lines.every((line) => visibleLength(line) <= cols);
  return candidates.find(fits) ?? candidates[candidates.length - 1]!;
}

/** What the call screen shows, alone, in a terminal too small for the call. */
export class TooSmallNotice {
  private readonly box: blessed.Widgets.BoxElement;

  constructor(screen: blessed.Widgets.Screen) {
    this.box = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: '100%', tags: true, hidden: true, align: 'center', valign: 'middle' });
  }

  /**
   * Shows the notice in a `cols`×`rows` terminal too small for the call, else hides it. True while it shows. It goes
   * in front of the panes (a pane added later would cover it); an open overlay goes in front of it again after.
   * `keys`: what the keys named do (tooSmallLines).
   */
  update(cols: number, rows: number, keys: TooSmallKeys = {}): boolean {
    const small = cols < MIN_COLS || rows < MIN_ROWS;
    if (!small) {
      this.box.hide();
      return false;
    }
    this.box.setContent(tooSmallLines(cols, rows, keys).join('\n'));
    this.box.show();
    this.box.setFront();
    return true;
  }
}
