/**
 * Colour modes, terminal colour detection and the palette quantisers the renderer uses.
 *
 * The 256- and 16-colour quantisers pick the palette entry nearest in OKLab (a perceptual colour space), so a skin
 * tone maps to the closest-looking entry rather than the nearest in raw RGB; results are cached in a 32×32×32
 * table built on first use, making the per-pixel cost one array lookup.
 */

/** Every rendering mode, best first. */
export const COLOR_MODES = ['truecolor', '256', '16', 'mono'] as const;
/** A rendering mode: 24-bit half blocks, xterm 256 colours, the 16 ANSI colours, or an ASCII luminance ramp. */
export type ColorMode = (typeof COLOR_MODES)[number];
/** What `--color` accepts. */
export type ColorModeSetting = ColorMode | 'auto';

/** Environment variables `detectColorMode` reads (pass `process.env`). */
export type ColorEnv = Readonly<Record<string, string | undefined>>;

const TRUECOLOR_PROGRAMS = new Set(['iTerm.app', 'WezTerm', 'vscode', 'ghostty', 'Hyper']);
const FIRST_TRUECOLOR_VTE = 3600;
/** TERM names that only 24-bit terminals use; unlike COLORTERM, ssh sends TERM along. */
const TRUECOLOR_TERMS = new Set(['xterm-kitty', 'alacritty', 'wezterm', 'foot', 'foot-extra', 'xterm-ghostty', 'contour', 'rio']);

/**
 * Picks the best mode the terminal described by `env` supports:
 * `NO_COLOR` (non-empty, no-color.org) → mono; `COLORTERM=truecolor|24bit`, a `*-direct` TERM, a TERM or terminal
 * program known for 24-bit colour (kitty, Alacritty, WezTerm, foot, ghostty, VTE ≥ 0.36…) → truecolor; inside tmux,
 * `tmuxClientFeatures` (its `#{client_termfeatures}`) with `RGB` → truecolor; a TERM with `256color` → 256;
 * `TERM=dumb` or no TERM → mono; any other TERM → 256 inside tmux, else 16.
 *
 * tmux hides the terminal around it (TERM says tmux, COLORTERM is not passed on) but knows it: it passes 24-bit
 * colour through when that terminal has the RGB feature (tmux ≥ 3.2 learns it from the terminal's answers or from
 * `terminal-features`), and turns it into 256 colours when not.
 */
export function detectColorMode(env: ColorEnv, tmuxClientFeatures?: string): ColorMode {
  return explainColorMode(env, tmuxClientFeatures).mode;
}

/** A colour mode and what decided it, for `devices` ("truecolor, because COLORTERM=truecolor"). */
export interface ColorChoice {
  mode: ColorMode;
  because: string;
}

/** {@link detectColorMode}, saying which part of the environment decided. */
export function explainColorMode(env: ColorEnv, tmuxClientFeatures?: string): ColorChoice {
  const choice = (mode: ColorMode, because: string): ColorChoice => ({ mode, because });
  if (noColorRequested(env)) return choice('mono', 'NO_COLOR is set');
  const term = (env['TERM'] ?? '').toLowerCase();
  const colorterm = (env['COLORTERM'] ?? '').toLowerCase();
  if (term === 'dumb') return choice('mono', 'TERM=dumb');
  if (colorterm === 'truecolor' || colorterm === '24bit') return choice('truecolor', `COLORTERM=${env['COLORTERM']}`);
  if (term.endsWith('-direct') || term.includes('truecolor') || TRUECOLOR_TERMS.has(term)) return choice('truecolor', `TERM=${env['TERM']}`);
  if (TRUECOLOR_PROGRAMS.has(env['TERM_PROGRAM'] ?? '')) return choice('truecolor', `TERM_PROGRAM=${env['TERM_PROGRAM']}`);
  if (env['WT_SESSION']) return choice('truecolor', 'Windows Terminal (WT_SESSION is set)');
  // GNOME Terminal and every VTE terminal since 0.36 (version 3600) draw 24-bit colour (GNOME bug 685759); inside
  // tmux the variable is the tmux server's, and tmux's own answer below is the one to go by.
  if (!env['TMUX'] && Number(env['VTE_VERSION'] ?? 0) >= FIRST_TRUECOLOR_VTE) return choice('truecolor', `VTE_VERSION=${env['VTE_VERSION']}`);
  if (env['TMUX'] && (tmuxClientFeatures ?? '').split(',').includes('RGB')) return choice('truecolor', 'tmux says the terminal showing it has RGB');
  const inTmux = env['TMUX'] ? ', and tmux does not say the terminal showing it has RGB' : '';
  if (term.includes('256')) return choice('256', `TERM=${env['TERM']}${inTmux}`);
  if (term === '') return choice('mono', 'no TERM');
  // tmux reads 256-colour SGR from a pane whatever its TERM says (an old `default-terminal screen`) and turns it
  // into what the terminal showing it draws; its chrome is drawn in 256 colours there too (terminal.ts).
  if (env['TMUX']) return choice('256', `tmux takes 256 colours whatever TERM=${env['TERM']} says${inTmux}`);
  return choice('16', `TERM=${env['TERM']}`);
}

/** NO_COLOR set and not empty (no-color.org): no colours, in the video or around it. */
export function noColorRequested(env: ColorEnv): boolean {
  return Boolean(env['NO_COLOR']);
}

/** What `auto` may ask beyond the environment; each is asked only when the environment leaves the question open. */
export interface ColorProbes {
  /** tmux's `#{client_termfeatures}` (runs a command; asked only inside tmux). */
  tmuxClientFeatures?: () => string | undefined;
  /** The terminal's own answer (src/tui/terminal-query.ts); undefined when it gave none. */
  terminalHasTruecolor?: () => Promise<boolean | undefined>;
}

/**
 * Resolves a `--color` setting: `auto` goes through {@link detectColorMode}, then, when that found a palette
 * terminal, asks the terminal itself ({@link worthAskingTerminal}).
 */
export async function resolveColorMode(setting: ColorModeSetting, env: ColorEnv, probes: ColorProbes = {}): Promise<ColorMode> {
  return (await explainColorSetting(setting, env, probes)).mode;
}

/** {@link resolveColorMode}, saying what decided. */
export async function explainColorSetting(setting: ColorModeSetting, env: ColorEnv, probes: ColorProbes = {}): Promise<ColorChoice> {
  if (setting !== 'auto') return { mode: setting, because: `--color ${setting}` };
  const detected = explainColorMode(env, env['TMUX'] ? probes.tmuxClientFeatures?.() : undefined);
  if (!probes.terminalHasTruecolor || !worthAskingTerminal(env, detected.mode)) return detected;
  const answer = await probes.terminalHasTruecolor();
  if (answer) return { mode: 'truecolor', because: 'the terminal reports 24-bit colour back' };
  return { mode: detected.mode, because: `${detected.because}; the terminal ${answer === false ? 'did not report 24-bit colour' : 'did not answer'}` };
}

/**
 * Whether the terminal's own answer could raise `detected` to truecolor and be believed. Not when the environment
 * already settled it (truecolor, or mono for NO_COLOR and dumb terminals); not inside tmux, whose features were
 * asked (it does not answer DECRQSS itself); not inside GNU screen, which passes the question on to the terminal
 * around it and would then be sent colours it may not pass on; not on the Linux console.
 */
export function worthAskingTerminal(env: ColorEnv, detected: ColorMode): boolean {
  if (detected === 'truecolor' || detected === 'mono') return false;
  return terminalCanBeAsked(env);
}

/**
 * Whether questions written to the terminal reach the terminal itself and may be asked (see above); not Emacs'
 * term.el either (TERM=eterm…), which answers none of them.
 */
export function terminalCanBeAsked(env: ColorEnv): boolean {
  const term = (env['TERM'] ?? '').toLowerCase();
  return !env['TMUX'] && !env['STY'] && !term.startsWith('screen') && !term.startsWith('eterm') && term !== 'linux' && term !== 'dumb';
}

/** True when `value` is a valid `--color` setting. */
export function isColorModeSetting(value: string): value is ColorModeSetting {
  return value === 'auto' || (COLOR_MODES as readonly string[]).includes(value);
}

/** Levels of the 6×6×6 cube's axes. */
export const CUBE_LEVELS: readonly number[] = [0, 95, 135, 175, 215, 255];

/** RGB of the 256 xterm colours, 3 bytes each. Entries 0–15 are xterm's defaults for the 16 ANSI colours. */
export const XTERM_PALETTE: Uint8Array = buildXtermPalette();


function buildXtermPalette(): Uint8Array {
  const ansi = [
    [0, 0, 0], [205, 0, 0], [0, 205, 0], [205, 205, 0], [0, 0, 238], [205, 0, 205], [0, 205, 205], [229, 229, 229],
    [127, 127, 127], [255, 0, 0], [0, 255, 0], [255, 255, 0], [92, 92, 255], [255, 0, 255], [0, 255, 255], [255, 255, 255],
  ];
  const p = new Uint8Array(256 * 3);
  ansi.forEach((rgb, i) => p.set(rgb, i * 3));
  for (let i = 0; i < 216; i++) {
    const o = (16 + i) * 3;
    p[o] = CUBE_LEVELS[Math.floor(i / 36)] ?? 0;
    p[o + 1] = CUBE_LEVELS[Math.floor(i / 6) % 6] ?? 0;
    p[o + 2] = CUBE_LEVELS[i % 6] ?? 0;
  }
  for (let i = 0; i < 24; i++) p.fill(8 + 10 * i, (232 + i) * 3, (233 + i) * 3);
  return p;
}

function srgbToLinear(v: number): number {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** {@link srgbToLinear} of 0–255, looked up: the renderer converts a few colours per cell. */
const LINEAR = Float64Array.from({ length: 256 }, (_, v) => srgbToLinear(v));

/** OKLab (Björn Ottosson, 2020) of an sRGB colour, written into `out` at `o`. */
function toOklab(r: number, g: number, b: number, out: Float32Array, o: number): void {
  const lr = LINEAR[r] ?? srgbToLinear(r);
  const lg = LINEAR[g] ?? srgbToLinear(g);
  const lb = LINEAR[b] ?? srgbToLinear(b);
  const l = Math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
  const m = Math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
  const s = Math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
  out[o] = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  out[o + 1] = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  out[o + 2] = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
}

const BIN_VALUE = Array.from({ length: 32 }, (_, k) => Math.round((k * 255) / 31));

let paletteLab: Float32Array | undefined;
let binLab: Float32Array | undefined;

/** OKLab of the 256 xterm colours, 3 floats each. */
function paletteOklab(): Float32Array {
  if (paletteLab) return paletteLab;
  const lab = new Float32Array(256 * 3);
  for (let i = 0; i < 256; i++) toOklab(XTERM_PALETTE[i * 3] ?? 0, XTERM_PALETTE[i * 3 + 1] ?? 0, XTERM_PALETTE[i * 3 + 2] ?? 0, lab, i * 3);
  return (paletteLab = lab);
}

/** OKLab of the colour each 15-bit key stands for (see {@link lutKey}), 3 floats each. */
function binOklab(): Float32Array {
  if (binLab) return binLab;
  const lab = new Float32Array(32768 * 3);
  // Spread the 32 bins over the full 0..255 range so pure black, white and primaries map to themselves.
  for (let key = 0; key < 32768; key++) toOklab(BIN_VALUE[key >> 10] ?? 0, BIN_VALUE[(key >> 5) & 31] ?? 0, BIN_VALUE[key & 31] ?? 0, lab, key * 3);
  return (binLab = lab);
}

/** Builds the 15-bit RGB → palette index table for palette entries [first, last]. */
function buildLut(first: number, last: number): Uint8Array {
  const count = last - first + 1;
  const pal = paletteOklab().subarray(first * 3, (last + 1) * 3);
  const bins = binOklab();
  const lut = new Uint8Array(32768);
  for (let key = 0; key < 32768; key++) {
    const L = bins[key * 3] ?? 0;
    const A = bins[key * 3 + 1] ?? 0;
    const B = bins[key * 3 + 2] ?? 0;
    let best = 0;
    let bestD = Infinity;
    for (let i = 0; i < count; i++) {
      const dl = L - (pal[i * 3] ?? 0);
      const da = A - (pal[i * 3 + 1] ?? 0);
      const db = B - (pal[i * 3 + 2] ?? 0);
      const d = dl * dl + da * da + db * db;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    lut[key] = first + best;
  }
  return lut;
}

let lut256: Uint8Array | undefined;
let lut16: Uint8Array | undefined;

/**
 * The RGB → xterm 256 index table (15-bit key `(r>>3)<<10 | (g>>3)<<5 | b>>3`). Only entries 16–255 are used:
 * 0–15 are redefined by terminal themes, so their look is unknown.
 */
export function palette256Lut(): Uint8Array {
  lut256 ??= buildLut(16, 255);
  return lut256;
}

/** The RGB → ANSI 16-colour index table (same key as {@link palette256Lut}), against xterm's default colours. */
export function palette16Lut(): Uint8Array {
  lut16 ??= buildLut(0, 15);
  return lut16;
}

/** The 15-bit lookup key of an RGB colour. */
export function lutKey(r: number, g: number, b: number): number {
  return ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
}

/** The entry `lut` (palette256Lut, palette16Lut) gives a packed RGB colour (0xRRGGBB). */
export function lutEntry(lut: Uint8Array, rgb: number): number {
  return lut[lutKey((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff)] ?? 0;
}

/**
 * The OKLab distance of one level of RGB distance (0–255 channels) at the 90th percentile over colours (0.0012 at the
 * 10th, 0.00175 the median): turns a tolerance in levels into an OKLab distance no stricter than the levels were for
 * most colours. At the median, a webcam clip's diffed 256-colour frames grew 40 % over the RGB rule's (dark colours,
 * most of such a picture, are where OKLab moves most per level); at this, 6 %.
 */
export const OKLAB_PER_LEVEL = 0.0024;

/**
 * How much farther palette entry `entry` is from the packed RGB colour `rgb` than entry `nearest` is, in OKLab: the
 * distance the quantisers minimise, so "nearly as close" agrees with their "nearest" (in RGB, black is nearer a dark
 * green than the grey the quantiser picks). Of the colour itself, not its 15-bit bin: a bin is 8 levels wide, more
 * than sensor noise, and a tolerance below that would not hold.
 */
export function paletteExcess(rgb: number, entry: number, nearest: number): number {
  const pal = paletteOklab();
  toOklab((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, scratchLab, 0);
  return labDistance(scratchLab, 0, pal, entry * 3) - labDistance(scratchLab, 0, pal, nearest * 3);
}

const scratchLab = new Float32Array(3);

function labDistance(a: Float32Array, i: number, b: Float32Array, j: number): number {
  const dl = (a[i] ?? 0) - (b[j] ?? 0);
  const da = (a[i + 1] ?? 0) - (b[j + 1] ?? 0);
  const db = (a[i + 2] ?? 0) - (b[j + 2] ?? 0);
  return Math.sqrt(dl * dl + da * da + db * db);
}

/** Nearest xterm 256-colour index (16–255) of an RGB colour. */
export function rgbTo256(r: number, g: number, b: number): number {
  return palette256Lut()[lutKey(r, g, b)] ?? 16;
}

/** Nearest ANSI colour index (0–15, xterm default colours) of an RGB colour. */
export function rgbTo16(r: number, g: number, b: number): number {
  return palette16Lut()[lutKey(r, g, b)] ?? 0;
}

/** Characters of the mono mode, darkest first. */
export const MONO_RAMP = ' .:-=+*#%@';

/** Rec. 709 luma (0–255) of a gamma-encoded RGB colour; cheap and close enough for a character ramp. */
export function luma(r: number, g: number, b: number): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Index into {@link MONO_RAMP} for a luma value. */
export function rampIndex(y: number): number {
  const i = Math.floor((y * MONO_RAMP.length) / 256);
  return i < 0 ? 0 : i >= MONO_RAMP.length ? MONO_RAMP.length - 1 : i;
}
