import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, useCliWorkspace, type CliProcess } from '../helpers/cli-process.js';
import { TmuxSession, shellQuote } from '../helpers/tmux.js';

/**
 * The chat line's keys in a real terminal (tmux): what is typed, what is sent, and which keys stay call keys. No audio
 * devices: `--audio none|tone --speaker none` throughout.
 */
const workspace = useCliWorkspace('lc-tui-chat-');
const { joinHeadless } = workspace;
/** Terminals of the current test, closed after it (with its processes). */
const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
  workspace.killAll();
});

/** `livecomm-tui ARGS` in a tmux pane of the given size, on a tmux server of its own. */
function tui(args: string[], size: { width: number; height: number }): TmuxSession {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  const session = new TmuxSession(command, { ...size, env: { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') } });
  cleanup.push(() => session.kill());
  return session;
}

/** A guest `me` in a call on a fresh server with a headless `alice`, both in; `extra` flags for me. */
async function callWithAlice(extra: string[] = [], size = { width: 100, height: 30 }): Promise<{ me: TmuxSession; alice: CliProcess }> {
  const { port } = await workspace.serve();
  const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none', ...extra], size);
  await me.waitForText('joined as me');
  const alice = await joinHeadless(port, 'alice');
  await me.waitForText('alice joined');
  return { me, alice };
}

/** The chat texts `alice` has received, oldest first. */
const chatTexts = (alice: CliProcess): string[] => alice.events().filter((e) => e.type === 'chat').map((e) => String(e.text));

/** Esc, and the chat line closed: its prompt back (a key sent before that could share Esc's read and be Alt-key). */
async function closeChat(me: TmuxSession): Promise<void> {
  me.keys('Escape');
  await me.waitForText('› press c or Enter to chat');
}

/** Presses q (as a guest: no question) and waits for a clean exit. */
async function quit(me: TmuxSession): Promise<void> {
  me.keys('q');
  await me.waitFor(() => me.exitStatus() !== undefined, 'exit');
  expect(me.exitStatus()).toBe(0);
}

describe('the chat line in a real terminal (tmux)', () => {
  it('stays open after Enter sends: the next message is typed, not run as call keys; Esc closes it', async () => {
    const { me, alice } = await callWithAlice(['--video', 'pattern', '--audio', 'tone']);
    me.keys('c');
    me.type('ok');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat' && e.text === 'ok');
    // Typed a key at a time: v, i and a were camera off, self view hidden and audio only; q left the call.
    for (const key of ['v', 'i', 'a']) me.type(key);
    me.keys('Enter');
    for (const key of ['q', 'u']) me.type(key);
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat' && e.text === 'qu');
    expect(chatTexts(alice)).toEqual(['ok', 'via', 'qu']);
    expect(me.text()).not.toMatch(/cam OFF|audio only|picture is hidden/);
    expect(me.exitStatus()).toBeUndefined();
    await closeChat(me);
    me.keys('m');
    await me.waitForText('mic OFF');
    await quit(me);
  });

  it('the key-hint row shows the chat line\'s keys while it is open (the call keys are off), and the call keys again after Esc', async () => {
    const { me } = await callWithAlice();
    await me.waitForText(/m mute .*q leave/);
    me.keys('c');
    await me.waitForText('Enter send  Esc close  ↑ history  PgUp/PgDn scroll');
    expect(me.text()).not.toMatch(/m mute|q leave/);
    await closeChat(me);
    await me.waitForText(/m mute .*q leave/);
    expect(me.text()).not.toContain('Esc close');
    await quit(me);
  });
});
