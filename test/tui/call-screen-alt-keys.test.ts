/**
 * Alt and a call key: the terminal sends Esc and the key, as it sends Esc and then the key typed within tmux's
 * escape-time (500 ms before tmux 3.5); nothing tells them apart. Those are Esc and the key (key-router.ts: Esc then
 * m mutes), but q, the one call key that cannot be taken back, asks first: Alt-q left the call at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallScreenHarness } from '../helpers/call-screen-harness.js';

const open: CallScreenHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});
function guest(): CallScreenHarness {
  const h = new CallScreenHarness({ cols: 120, rows: 40 });
  open.push(h);
  return h;
}
const turn = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));

describe('Alt (Esc and a key in one read) in the call screen', () => {
  it('Alt-q asks before a guest leaves, with the chat line open or closed, under the stats or not; y leaves, n stays', async () => {
    for (const before of ['', 's', 'c'] as const) {
      for (const answer of ['y', 'n'] as const) {
        const h = guest();
        if (before) h.type(before);
        if (before === 'c') h.type('draft');
        await turn();
        h.type('\x1bq');
        await h.settle();
        const what = `${before || 'nothing'} open, ${answer}`;
        expect(h.call.actions, what).toEqual([]);
        expect(h.parts.overlay.kind, what).toBe('confirm-leave');
        expect(h.text().join('\n'), what).toContain('Leave the call?');
        h.type(answer);
        await h.settle();
        expect(h.call.actions, what).toEqual(answer === 'y' ? ['leave'] : []);
        // (After y the call ends, and the screen with it.)
        if (answer === 'n') expect(h.parts.overlay.kind, what).toBeUndefined();
      }
    }
  });

  it('plain q still leaves a guest at once, and Alt-m (or Esc, m at once) still mutes', async () => {
    const h = guest();
    h.type('\x1bm');
    await h.settle();
    expect(h.call.actions).toEqual(['mute true']);
    h.type('q');
    await h.settle();
    expect(h.call.actions).toEqual(['mute true', 'leave']);
  });

  it('a host is asked once, with the host\'s question', async () => {
    const h = new CallScreenHarness({ cols: 120, rows: 40, joinLine: 'livecomm-tui connect 127.0.0.1:1' });
    open.push(h);
    h.type('\x1bq');
    await h.settle();
    expect(h.text().join('\n')).toContain('Leaving ends the call for everyone');
    h.type('y');
    await h.settle();
    expect(h.call.actions).toEqual(['leave']);
  });
});
