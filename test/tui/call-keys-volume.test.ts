/** + and - (CallKeys): a key that cannot act says why, in the chat, once in a while. */
import { describe, expect, it } from 'vitest';
import { CallKeys, type CallKeyScreen } from '../../src/tui/call-keys.js';

/** CallKeys over a grid whose focused-volume answer is `result`, with `people` in it; what the chat was told. */
function keysWith(result: 'changed' | 'nobody' | 'no-speaker', people: number) {
  const said: string[] = [];
  let now = 0;
  const screen = {
    grid: { changeFocusedVolume: () => result, people: { size: people } },
    chat: { system: (text: string) => void said.push(text) },
    renderSoon: () => {},
    relayout: () => {},
    monoMs: () => now,
  } as unknown as CallKeyScreen;
  return { keys: new CallKeys(screen), said, later: (ms: number) => void (now += ms) };
}

describe('+ and - on your own pane (where the focus starts)', () => {
  it('says the focus is on you and how to move it, not nothing', () => {
    const { keys, said } = keysWith('nobody', 3);
    keys.handle('+');
    expect(said).toEqual(['{yellow-fg}+ and - set the volume of the focused person, and that is you now: Tab to someone else first{/yellow-fg}']);
  });

  it('alone in the call: says there is nobody to turn up or down', () => {
    const { keys, said } = keysWith('nobody', 1);
    keys.handle('-');
    expect(said).toEqual(['{yellow-fg}+ and - set the volume of the others: nobody else is here yet{/yellow-fg}']);
  });

  it('once in 20 s however often it is pressed', () => {
    const { keys, said, later } = keysWith('nobody', 2);
    for (let i = 0; i < 5; i++) keys.handle('+');
    expect(said).toHaveLength(1);
    later(20_000);
    keys.handle('=');
    expect(said).toHaveLength(2);
  });

  it('a volume that changed says nothing (the pane title shows it)', () => {
    const { keys, said } = keysWith('changed', 2);
    keys.handle('+');
    expect(said).toEqual([]);
  });
});
