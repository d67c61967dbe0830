import { blessedLength, fitGraphemes } from './text-width.js';

/** The start of the hint for a line closed with a draft in it; the draft follows, as much of it as fits. */
const DRAFT_HINT = '› c: back to your unsent line: ';
/** The same for a narrow chat, where the long one leaves under MIN_DRAFT_SHOWN columns of the draft. */
const DRAFT_HINT_SHORT = '› c: unsent: ';
const MIN_DRAFT_SHOWN = 12;

/**
 * The closed chat line's hint in `width` columns (plain text: the caller escapes its tags): how to open it, or, when
 * Esc closed it on a draft (`unsent`, '' when none), that the draft is kept.
 */
export function closedLineHint(unsent: string, width: number): string {
  const draft = unsent.replace(/\s+/g, ' ');
  if (!draft) return '› press c or Enter to chat';
  // The long hint filled a narrow chat's line (33 columns at 120×36), and none of the draft showed.
  const hint = width - blessedLength(DRAFT_HINT) >= MIN_DRAFT_SHOWN ? DRAFT_HINT : DRAFT_HINT_SHORT;
  const room = width - blessedLength(hint);
  const shown = fitGraphemes(draft, room, blessedLength);
  return hint + (shown === draft ? draft : `${fitGraphemes(draft, room - 1, blessedLength)}…`);
}
