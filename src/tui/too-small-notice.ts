import blessed from 'blessed';
import { MIN_COLS, MIN_ROWS } from './layout.js';

/** What the call screen shows, alone, in a terminal too small for the call. */
export class TooSmallNotice {
  private readonly box: blessed.Widgets.BoxElement;

  constructor(screen: blessed.Widgets.Screen) {
    this.box = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: '100%', tags: true, hidden: true, align: 'center', valign: 'middle' });
  }

  /** Shows the notice in a `cols`×`rows` terminal too small for the call, else hides it. True while it shows. */
  update(cols: number, rows: number): boolean {
    const small = cols < MIN_COLS || rows < MIN_ROWS;
    if (!small) {
      this.box.hide();
      return false;
    }
    this.box.setContent(
      cols >= 60
        ? `{bold}The terminal is ${cols}×${rows}.{/bold}\nlivecomm-tui needs at least ${MIN_COLS}×${MIN_ROWS}: make the window larger.`
        : `{bold}${cols}×${rows}: too small{/bold}\nneeds ${MIN_COLS}×${MIN_ROWS}`,
    );
    this.box.show();
    this.box.setFront();
    return true;
  }
}
