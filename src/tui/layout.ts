/**
 * Screen layout, pure: where the video grid, the chat and the status bar go for a terminal size, and how the grid
 * splits among participants (1 → full, 2 → side by side, 3–4 → 2×2, 5–6 → 3×2, 7–9 → 3×3, …).
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

/** Columns and rows of the grid for `count` panes, preferring wide panes (video is landscape, cells are tall). */
export function gridShape(count: number, area: { width: number; height: number }): { columns: number; rows: number } {
  if (count <= 1) return { columns: 1, rows: 1 };
  let best = { columns: count, rows: 1, score: -Infinity };
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    // Each pane's picture area in pixels (half blocks: 2 pixels per row), fitted at 4:3.
    const paneW = area.width / columns - 2;
    const paneH = (area.height / rows - 2) * 2;
    const fitted = Math.min(paneW, (paneH * 4) / 3);
    const wasted = columns * rows - count;
    const score = fitted - wasted * 0.5;
    if (score > best.score) best = { columns, rows, score };
  }
  return { columns: best.columns, rows: best.rows };
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
