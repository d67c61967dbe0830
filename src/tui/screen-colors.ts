/**
 * The palette blessed draws the chrome with, for a terminfo entry that claims `terminfoColors`. xterm's and the Linux
 * console's entries say 8 (colors#8), and blessed then turns grey (colour 8) into black (8 − 8 = 0): borders, the chat
 * hint and timestamps vanish on a dark background. Those terminals draw the bright eight (SGR 90–97) all the same, as
 * the video layer's 16-colour mode already relies on, so 8 is taken as 16; other counts stay as they are.
 */
export function chromePaletteSize(terminfoColors: number): number {
  return terminfoColors >= 8 && terminfoColors < 16 ? 16 : terminfoColors;
}
