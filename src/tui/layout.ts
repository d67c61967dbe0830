/**
 * Screen layout, pure: where the video grid, the chat and the status bar go for a terminal size, and how the grid
 * splits among participants (on a wide screen 1 → full, 2 → side by side, 3–4 → 2×2, 5–6 → 3×2, 7–9 → 3×3,
 * …; columns and rows never fewer for more people).
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ScreenLayout {
  grid: Rect;
  chat: Rect;
  status: Rect;
  /** Where the chat sits relative to the grid. */
  chatPlacement: 'right' | 'bottom';
}

/** The smallest terminal the call screen works in; smaller shows a message instead (SPEC: no garbage). */
export const MIN_COLS = 80;
export const MIN_ROWS = 24;

/** Rows of the status bar: the call's state, then the join line or key hints. */
export const STATUS_ROWS = 2;

/** Splits the terminal: the status bar at the bottom, chat at the right when wide enough, else below the grid. */
export function screenLayout(cols: number, rows: number, chatVisible = true): ScreenLayout {
  const status: Rect = { x: 0, y: rows - STATUS_ROWS, width: cols, height: STATUS_ROWS };
  const body = { width: cols, height: rows - STATUS_ROWS };
  if (!chatVisible) {
    return { grid: { x: 0, y: 0, ...body }, chat: { x: 0, y: 0, width: 0, height: 0 }, status, chatPlacement: 'right' };
  }
  if (cols >= 110) {
    const chatWidth = Math.min(48, Math.max(32, Math.floor(cols * 0.28)));
    return {
      grid: { x: 0, y: 0, width: cols - chatWidth, height: body.height },
      chat: { x: cols - chatWidth, y: 0, width: chatWidth, height: body.height },
      status,
      chatPlacement: 'right',
    };
  }
  const chatHeight = Math.max(6, Math.floor(body.height * 0.25));
  return {
    grid: { x: 0, y: 0, width: cols, height: body.height - chatHeight },
    chat: { x: 0, y: body.height - chatHeight, width: cols, height: chatHeight },
    status,
    chatPlacement: 'bottom',
  };
}

/**
 * Columns and rows of the grid for `count` panes, preferring wide panes (video is landscape, cells are tall).
 *
 * As the room grows, columns and rows only grow: one person joining or leaving adds or removes a pane without
 * reshaping the grid (at 80×24, 14, 15 and 16 people were 7×2, 5×3 and 8×2, every pane jumping each time). The shapes
 * for 1 to {@link PLANNED_PANES} panes are chosen together: of the sequences that never shrink, the one whose panes
 * score best in total (on common terminals within a few per cent of the best shape for each count alone; a tall,
 * narrow grid takes a second column sooner). Past that, each pane keeps the shape or adds columns or a row, whichever
 * scores best.
 */
export function gridShape(count: number, area: { width: number; height: number }): { columns: number; rows: number } {
  if (count <= 1) return { columns: 1, rows: 1 };
  const planned = plannedColumns(area);
  let columns = planned[Math.min(count, PLANNED_PANES)]!;
  let rows = Math.ceil(Math.min(count, PLANNED_PANES) / columns);
  for (let n = PLANNED_PANES + 1; n <= count; n++) {
    let best = { columns, rows: Math.max(rows, Math.ceil(n / columns)), score: -Infinity };
    for (let wider = columns; wider <= n; wider++) {
      const taller = Math.max(rows, Math.ceil(n / wider));
      if ((taller - 1) * wider >= n) break; // an empty row, and more so for wider grids
      const score = shapeScore(wider, taller, n, area);
      if (score > best.score) best = { columns: wider, rows: taller, score };
    }
    ({ columns, rows } = best);
  }
  return { columns, rows };
}

/** Panes planned together: twice the server's default room size. */
const PLANNED_PANES = 64;

/** How good `columns` × `rows` is for `count` panes: each pane's picture width, less a little for each empty cell. */
function shapeScore(columns: number, rows: number, count: number, area: { width: number; height: number }): number {
  // Each pane's picture area in pixels (half blocks: 2 pixels per row), fitted at 4:3.
  const paneW = area.width / columns - 2;
  const paneH = (area.height / rows - 2) * 2;
  const fitted = Math.min(paneW, (paneH * 4) / 3);
  return fitted - (columns * rows - count) * 0.5;
}

// The last area's plan: every layout asks for it (~45,000 steps to make, the same until the terminal is resized).
let lastPlan: { width: number; height: number; columns: number[] } | undefined;

/**
 * Columns for 0 to PLANNED_PANES panes in `area`, never fewer for more panes, and rows (as many as the panes fill)
 * never fewer either; of those sequences, the one with the best total {@link shapeScore}. Dynamic programming over
 * the pane count: `total[c]` is the best sum for 1…n panes ending in c columns at n, `from[n][c]` the columns at n − 1.
 */
function plannedColumns(area: { width: number; height: number }): number[] {
  if (lastPlan && lastPlan.width === area.width && lastPlan.height === area.height) return lastPlan.columns;
  let total = [-Infinity, shapeScore(1, 1, 1, area)];
  const from: number[][] = [[], [0, 0]];
  for (let n = 2; n <= PLANNED_PANES; n++) {
    const next = new Array<number>(n + 1).fill(-Infinity);
    const back = new Array<number>(n + 1).fill(0);
    for (let columns = 1; columns <= n; columns++) {
      const rows = Math.ceil(n / columns);
      const score = shapeScore(columns, rows, n, area);
      for (let before = 1; before <= Math.min(columns, n - 1); before++) {
        if (Math.ceil((n - 1) / before) > rows || total[before]! + score <= next[columns]!) continue;
        next[columns] = total[before]! + score;
        back[columns] = before;
      }
    }
    total = next;
    from[n] = back;
  }
  const columns = new Array<number>(PLANNED_PANES + 1).fill(1);
  let at = total.indexOf(Math.max(...total));
  for (let n = PLANNED_PANES; n >= 1; n--) {
    columns[n] = at;
    at = from[n]![at]!;
  }
  lastPlan = { width: area.width, height: area.height, columns };
  return columns;
}

/** Rectangles for `count` panes inside `area`, row by row; the last row's panes are centred. */
export function gridRects(count: number, area: Rect): Rect[] {
  if (count <= 0) return [];
  const { columns, rows } = gridShape(count, area);
  const rects: Rect[] = [];
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / columns);
    const inRow = row === rows - 1 ? count - row * columns : columns;
    const col = i % columns;
    const y0 = area.y + Math.floor((row * area.height) / rows);
    const y1 = area.y + Math.floor(((row + 1) * area.height) / rows);
    // Centre a short last row by giving it the same pane width as full rows.
    const paneWidth = Math.floor(area.width / columns);
    const offset = Math.floor((area.width - paneWidth * inRow) / 2);
    const x0 = area.x + (inRow === columns ? Math.floor((col * area.width) / columns) : offset + col * paneWidth);
    const x1 = inRow === columns ? area.x + Math.floor(((col + 1) * area.width) / columns) : x0 + paneWidth;
    rects.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
  }
  return rects;
}

/** The same rects with one pane (the spotlight) taking the whole area. */
export function spotlightRects(count: number, spotlight: number, area: Rect): Rect[] {
  return Array.from({ length: count }, (_, i) => (i === spotlight ? { ...area } : { x: 0, y: 0, width: 0, height: 0 }));
}

/**
 * The pane focused after an arrow or Tab: left/right (and Tab) step through the panes in order, wrapping around;
 * up/down go to the pane above or below (wrapping from the last row to the first) whose centre is nearest, so a short
 * last row, which gridRects centres, is reached from the panes above it and leads back to them.
 */
export function moveFocusIndex(index: number, count: number, columns: number, move: 'next' | 'previous' | 'up' | 'down'): number {
  if (count <= 0) return 0;
  if (move === 'next' || move === 'previous') return (((index + (move === 'next' ? 1 : -1)) % count) + count) % count;
  const rows = Math.ceil(count / columns);
  const row = Math.floor(index / columns);
  const target = (((row + (move === 'down' ? 1 : -1)) % rows) + rows) % rows;
  const from = paneCentre(index, count, columns);
  let best = target * columns;
  for (let i = best + 1; i < Math.min(count, (target + 1) * columns); i++) {
    if (Math.abs(paneCentre(i, count, columns) - from) < Math.abs(paneCentre(best, count, columns) - from)) best = i;
  }
  return best;
}

/** The horizontal centre of pane `index`, in pane widths from the left of the grid (as gridRects places it). */
function paneCentre(index: number, count: number, columns: number): number {
  const row = Math.floor(index / columns);
  const inRow = Math.min(columns, count - row * columns);
  return (columns - inRow) / 2 + (index % columns) + 0.5;
}
