import blessed from 'blessed';
import { statusLines, type StatusInfo } from './status-line.js';

/** The call screen's two status rows at the bottom (status-line.ts words them). */
export class StatusBar {
  private readonly box: blessed.Widgets.BoxElement;

  constructor(screen: blessed.Widgets.Screen) {
    this.box = blessed.box({ parent: screen, tags: true, wrap: false, style: { bg: 'blue', fg: 'white' } } as blessed.Widgets.BoxOptions);
  }

  /** Its rows from the layout, `width` columns wide; undefined hides it (a terminal too small for the call). */
  place(rows: { y: number; height: number } | undefined, width: number): void {
    if (!rows) {
      this.box.hide();
      return;
    }
    this.box.show();
    this.box.left = 0;
    this.box.top = rows.y;
    this.box.width = width;
    this.box.height = rows.height;
  }

  show(info: StatusInfo, width: number): void {
    const [line1, line2] = statusLines(info, width);
    this.box.setContent(`${line1}\n${line2}`);
  }
}
