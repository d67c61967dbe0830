/**
 * Keys typed before the server has answered (the password box not up yet, or the call not joined): a user who knows
 * the room wants a password types it at once, as into ssh's prompt. They wait for the answer and go into the box when
 * it asks; its q never left, its c and Enter never sent the password as chat.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallScreenHarness } from '../helpers/call-screen-harness.js';

const open: CallScreenHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});
function connecting(): CallScreenHarness {
  const h = new CallScreenHarness({ cols: 120, rows: 40, answered: false });
  open.push(h);
  return h;
}

describe('keys typed before the server answers', () => {
  it('go into the password box when it asks: q, c and Enter in a password are no call keys and no chat', async () => {
    for (const password of ['quiet', 'correct horse', 'v3rysecret']) {
      const h = connecting();
      // One key at a time, as typed (a run of them in one read is taken for pasted text).
      for (const ch of password) {
        h.type(ch);
        await h.settle();
      }
      expect(h.call.actions, password).toEqual([]);
      h.call.emit({ type: 'password-needed', why: 'needed', lastTry: false });
      await h.settle();
      h.type('\r');
      await h.settle();
      expect(h.call.actions, password).toEqual([`password ${password}`]);
      expect(h.ended).toBe(false);
    }
  });

  it('and the password and its Enter typed ahead all at once, before the screen read any of it', async () => {
    const h = connecting();
    h.type('hunter2\r');
    await h.settle();
    h.call.emit({ type: 'password-needed', why: 'needed', lastTry: false });
    await h.settle();
    expect(h.call.actions).toEqual(['password hunter2']);
  });

  it('act as call keys once the call joins without asking, or an attempt fails', async () => {
    for (const answer of [{ type: 'status', status: 'joined' }, { type: 'status', status: 'connecting', detail: 'refused', attempt: 1, attempts: 3, retryInMs: 1000 }] as const) {
      const h = connecting();
      h.type('m');
      await h.settle();
      expect(h.call.actions).toEqual([]);
      h.call.emit(answer);
      await h.settle();
      expect(h.call.actions, answer.status).toEqual(['mute true']);
      h.type('v');
      await h.settle();
      expect(h.call.actions, answer.status).toEqual(['mute true', 'camera-off true']);
    }
  });

  it('but Ctrl-C leaves at once, and the chat line and the key row say the keys wait (not "q leave")', async () => {
    const h = connecting();
    await h.settle();
    expect(h.text().join('\n')).toContain('keys wait for the server');
    expect(h.text().at(-1)).toMatch(/^ Ctrl-C leave {2}\(keys typed now wait/);
    expect(h.text().join('\n')).not.toContain('q leave');
    h.type('\x03');
    await h.settle();
    expect(h.call.actions).toEqual(['leave']);
  });
});

describe('keys typed before the server answers, in a terminal too small for the call', () => {
  it('the notice offers Ctrl-C, not q (which waits), until the server answers; then q leaves as it says', async () => {
    const h = new CallScreenHarness({ cols: 60, rows: 18, answered: false });
    open.push(h);
    await h.settle();
    expect(h.text().join('\n')).toContain('The terminal is 60×18');
    expect(h.text().join('\n')).toContain('Ctrl-C leave');
    expect(h.text().join('\n')).not.toContain('q leave');
    h.call.emit({ type: 'status', status: 'joined' });
    await h.settle();
    expect(h.text().join('\n')).toContain('q leave');
    h.type('q');
    await h.settle();
    expect(h.call.actions).toEqual(['leave']);
  });
});

describe('an Esc typed before the server answers', () => {
  it('does not give up on the password box that opens after it (the call went on), nor bring the keys before it', async () => {
    const h = connecting();
    // ? for the keys (nothing shows yet), Esc to be rid of it (a lone Esc goes on when the next read does not
    // continue it into a sequence), then the password's first letter.
    h.type('?');
    await h.settle();
    h.type('\x1b');
    await h.settle();
    h.type('p');
    await h.settle();
    h.call.emit({ type: 'password-needed', why: 'needed', lastTry: false });
    await h.settle();
    expect(h.parts.password.open).toBe(true);
    h.type('w');
    await h.settle();
    h.type('\r');
    await h.settle();
    expect(h.call.actions).toEqual(['password pw']);
  });
});

describe('push-to-talk before the server answers', () => {
  it('a Space pressed and let go while keys waited does not talk once the call joins; one held after it does', async () => {
    const h = new CallScreenHarness({ cols: 120, rows: 40, answered: false, transmit: 'ptt' });
    open.push(h);
    // A terminal that reports releases (the kitty keyboard protocol): Space down, then up.
    h.type('\x1b[?26u');
    await h.settle();
    h.type('\x1b[32;;32u');
    await h.settle();
    h.type('\x1b[32;1:3u');
    await h.settle();
    h.call.emit({ type: 'status', status: 'joined' });
    await h.settle();
    expect(h.call.actions).toEqual([]);
    h.type('\x1b[32;;32u');
    await h.settle();
    h.type('\x1b[32;1:3u');
    await h.settle();
    expect(h.call.actions).toEqual(['talk true', 'talk false']);
  });
});
