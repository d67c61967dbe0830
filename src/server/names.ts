import { MAX_NAME_LENGTH, MAX_ROOM_LENGTH } from '../protocol/index.js';

/** Why a display name is unusable, or undefined when it is fine. Names are shown in panes and file names. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if ([...name].length > MAX_NAME_LENGTH) return `the name is longer than ${MAX_NAME_LENGTH} characters`;
  // Control characters would let a name move the cursor or recolour other people's terminals.
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name)) return 'the name contains control characters';
  if (name !== name.trim()) return 'the name starts or ends with a space';
  return undefined;
}

/** Why a room name is unusable, or undefined when it is fine. */
export function roomProblem(room: string): string | undefined {
  if (room.length === 0) return 'the room name is empty';
  if (room.length > MAX_ROOM_LENGTH) return `the room name is longer than ${MAX_ROOM_LENGTH} characters`;
  if (!/^[A-Za-z0-9._-]+$/.test(room)) return 'the room name may use only letters, digits, ".", "_" and "-"';
  return undefined;
}
