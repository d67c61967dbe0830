/**
 * The mouse wheel over the help (call-screen-harness.ts): each turn shows at once, as PgUp/PgDn do, not when the
 * next input arrives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallScreenHarness } from '../helpers/call-screen-harness.js';

const open: CallScreenHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

describe('the wheel over the help', () => {
  it('scrolls it with the first turn, and back with one turn up', async () => {
    const h = new CallScreenHarness({ cols: 80, rows: 24 });
    open.push(h);
    await h.settle();
    h.type('?');
    await h.settle();
    expect(h.text().join('\n')).toContain('livecomm-tui keys');
    // One SGR report of the wheel turned down over the middle of the box, and nothing typed after it.
    h.type('\x1b[<65;40;12M');
    await h.settle();
    expect(h.text().join('\n')).not.toContain('livecomm-tui keys');
    h.type('\x1b[<64;40;12M');
    await h.settle();
    expect(h.text().join('\n')).toContain('livecomm-tui keys');
  });
});
