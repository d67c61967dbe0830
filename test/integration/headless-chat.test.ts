// What a headless participant prints of the room's chat: the history a late joiner is given, marked as such, and its
// own lines as they go, marked as its own, so a bot that logs the room has all of it.
import { describe, expect, it } from 'vitest';
import { useCliWorkspace } from '../helpers/cli-process.js';

const workspace = useCliWorkspace('lc-hchat-');

describe('headless chat events', () => {
  it('prints the room\'s history after `joined` (history: true), and its own lines as they go (own: true)', async () => {
    const { port } = await workspace.serve();
    const alice = await workspace.joinHeadless(port, 'alice');
    const carol = await workspace.joinHeadless(port, 'carol');
    alice.write('said before bob came\n');
    // Carol has it: the server has it in its history.
    await carol.waitForEvent((e) => e.type === 'chat' && e.text === 'said before bob came');
    const own = await alice.waitForEvent((e) => e.type === 'chat' && e.own === true);
    expect(own).toMatchObject({ from: 'alice', text: 'said before bob came' });
    expect(own.fromId).toBe(alice.events().find((e) => e.type === 'joined')!.id);
    expect(typeof own.ts).toBe('number');

    const bob = await workspace.joinHeadless(port, 'bob');
    const history = await bob.waitForEvent((e) => e.type === 'chat');
    expect(history).toMatchObject({ from: 'alice', text: 'said before bob came', history: true });
    const types = bob.events().map((e) => e.type);
    expect(types.indexOf('joined')).toBeLessThan(types.indexOf('chat'));

    bob.write('hello from bob\n');
    const bobsOwn = await bob.waitForEvent((e) => e.type === 'chat' && e.text === 'hello from bob');
    expect(bobsOwn).toMatchObject({ from: 'bob', own: true, fromId: bob.events().find((e) => e.type === 'joined')!.id });
    expect(bobsOwn.history).toBeUndefined();
    const atAlice = await alice.waitForEvent((e) => e.type === 'chat' && e.text === 'hello from bob');
    expect(atAlice.own).toBeUndefined();
    expect(atAlice.history).toBeUndefined();
    // Each line once: carol's copy of alice's line is live, and alice's own is printed once.
    expect(carol.events().filter((e) => e.type === 'chat' && e.text === 'said before bob came')).toHaveLength(1);
    expect(alice.events().filter((e) => e.type === 'chat' && e.text === 'said before bob came')).toHaveLength(1);
    expect(bob.events().filter((e) => e.type === 'chat' && e.text === 'hello from bob')).toHaveLength(1);

    for (const p of [alice, bob, carol]) p.signal('SIGINT');
    for (const p of [alice, bob, carol]) expect(await p.exited).toBe(0);
    // Every line has a `ts` (ms since 1970, on the server's clock: this machine's here); those stamped when printed
    // (not chat: the server stamped it when it came) in the order printed.
    const stamps = bob.events().map((e) => e.ts);
    for (const ts of stamps) expect(Math.abs(Number(ts) - Date.now())).toBeLessThan(120_000);
    const printed = bob.events().filter((e) => e.type !== 'chat').map((e) => Number(e.ts));
    expect(printed).toEqual([...printed].sort((a, b) => a - b));
  });
});
