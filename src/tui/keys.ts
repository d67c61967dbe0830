/** Every key of the call screen, in the order the help overlay and the README list them. */
export const KEY_HELP: ReadonlyArray<readonly [keys: string, action: string]> = [
  ['m', 'mute / unmute your microphone'],
  ['v', 'turn your camera off / on'],
  ['c or Enter', 'type a chat message (Enter sends, Esc leaves the chat line)'],
  ['Space', 'with --transmit ptt: hold to talk (push-to-talk)'],
  ['Tab, ← / →', 'focus the next / previous participant (yellow border)'],
  ['↑ / ↓', 'focus the participant above / below'],
  ['f', 'spotlight the focused participant (again: back to the grid)'],
  ['+ / -', 'volume of the focused participant'],
  ['r', 'cycle the colour mode (truecolor, 256, 16, mono)'],
  ['i', 'self view in the grid / hidden'],
  ['b', 'terminal bell on joins and mentions on / off'],
  ['s', 'call statistics'],
  ['?', 'this help'],
  ['PgUp / PgDn, mouse wheel', 'scroll the chat (or this help)'],
  ['q', 'leave the call (asks first when you are hosting: it ends the call for everyone)'],
  ['Ctrl-C', 'leave at once'],
];
