import type blessed from 'blessed';

/**
 * The palette blessed draws the chrome with, for a terminfo entry that claims `terminfoColors`. xterm's and the Linux
 * console's entries say 8 (colors#8), and blessed then turns grey (colour 8) into black (8 − 8 = 0): borders, the chat
 * hint and timestamps vanish on a dark background. Those terminals draw the bright eight (SGR 90–97) all the same, as
 * the video layer's 16-colour mode already relies on, so 8 is taken as 16. An entry without colours (-1: vt100, vt220,
 * which systemd's serial getty sets) is taken as 16 too: `--color auto` draws the video in 16 colours there, while
 * blessed, with colours it believes absent, still sends them reduced modulo 2 (white text red, the blue status bar
 * black). Other counts stay as they are.
 */
export function chromePaletteSize(terminfoColors: number): number {
  return (terminfoColors >= 8 && terminfoColors < 16) || terminfoColors < 0 ? 16 : terminfoColors;
}

/** blessed's cell attribute: flags (bold, underline, blink, inverse, invisible) << 18 | fg << 9 | bg. */
const COLOR_BITS = 0x3ffff;
/** blessed's "default colour" for fg and bg alike. */
const DEFAULT_COLOR = 0x1ff;

/** A blessed cell attribute with its colours set to the terminal's default and its flags (bold, inverse…) kept. */
export function withoutColors(attr: number): number {
  return (attr & ~COLOR_BITS) | (DEFAULT_COLOR << 9) | DEFAULT_COLOR;
}

/** The parts of blessed's screen that {@link dropColors} needs; blessed does not type them. */
interface DrawnScreen {
  lines: Array<Array<[number, string]> & { dirty?: boolean }>;
  draw(start: number, end: number): void;
}

const colorless = new WeakSet<blessed.Widgets.Screen>();

/**
 * NO_COLOR (no-color.org): the screen draws every element without colours, whatever its style or tags say (bold and
 * inverse stay). Done where blessed turns cells into output, so no colour in a border, a tag or a status bar gets
 * through, including those added later.
 */
export function dropColors(screen: blessed.Widgets.Screen): void {
  colorless.add(screen);
  const drawn = screen as unknown as DrawnScreen;
  const draw = drawn.draw.bind(screen);
  drawn.draw = (start, end) => {
    for (let y = start; y <= end; y++) {
      const line = drawn.lines[y];
      // Only lines about to be drawn: a clean line was stripped when it was last drawn.
      if (!line?.dirty) continue;
      for (const cell of line) cell[0] = withoutColors(cell[0]);
    }
    draw(start, end);
  };
}

/** Whether {@link dropColors} took the colours off this screen: what colour would show must show otherwise. */
export function colorsDropped(screen: blessed.Widgets.Screen): boolean {
  return colorless.has(screen);
}
