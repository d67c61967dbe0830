/**
 * A chat line sent while the link is down (call-screen-harness.ts): the call keeps it for the rejoin, and the screen
 * says so once an outage, so the line does not read as if the others had it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallScreenHarness } from '../helpers/call-screen-harness.js';

const open: CallScreenHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const WAITS = 'not connected: what you send here goes once the call connects';

/** The chat at the right of a 140×44 screen (tall enough for every line here), its wrapped rows joined. */
function chatText(rows: string[]): string {
  return rows.map((row) => row.slice(row.lastIndexOf('││') + 2).replace(/│\s*$/, '').trim()).join(' ').replace(/\s+/g, ' ');
}

describe('chat sent while reconnecting', () => {
  it('says once an outage that it goes once the call connects; nothing while connected', async () => {
    const h = new CallScreenHarness({ cols: 140, rows: 44 });
    open.push(h);
    await h.settle();
    const send = async (text: string): Promise<void> => {
      h.type('c');
      await h.settle();
      h.type(`${text}\r`);
      await h.settle();
      h.type('\x1b');
      await h.settle();
    };
    await send('while joined');
    expect(h.text().join('\n')).not.toContain(WAITS);
    h.call.emit({ type: 'status', status: 'reconnecting', detail: 'the connection to the server was lost' });
    await h.settle();
    await send('first away');
    await send('second away');
    const count = (): number => chatText(h.text()).split(WAITS).length - 1;
    expect(count()).toBe(1);
    expect(h.call.actions).toContain('chat first away');
    // Back, and away again: a new outage is said again.
    h.call.emit({ type: 'status', status: 'joined' });
    h.call.emit({ type: 'status', status: 'reconnecting', detail: 'lost again' });
    await h.settle();
    await send('third');
    expect(count()).toBe(2);
  });
});
