/**
 * PaneGrid when people drop out and come back (a new id, the same name): the focus, spotlight and volume you gave
 * them; and what the stats overlay shows of a picture. A blessed screen on in-process streams (exact state, no
 * terminal needed; the tmux test in test/integration/tui.test.ts shows the same on a real one).
 */
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { PaneGrid, SELF_KEY, type PlayoutControls } from '../../src/tui/pane-grid.js';
import { VideoLayer } from '../../src/tui/video-layer.js';

const screens: blessed.Widgets.Screen[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.destroy();
});

/** A grid with you and `names` (ids 1, 2, …), and the volumes its playout was given. */
function gridWith(names: string[]) {
  const output = Object.assign(new PassThrough(), { columns: 160, rows: 48, isTTY: true });
  const screen = blessed.screen({ input: new PassThrough() as never, output: output as never, warnings: false });
  screens.push(screen);
  const volumes = new Map<number, number>();
  const playout: PlayoutControls = {
    hasSpeaker: true,
    isSpeaking: () => false,
    isSelfSpeaking: () => false,
    volumeOf: (id) => volumes.get(id) ?? 1,
    setVolume: (id, v) => void volumes.set(id, v),
    jitterDelayMs: () => undefined,
  };
  const grid = new PaneGrid(screen, new VideoLayer(new PassThrough(), { mode: 'truecolor' }), {
    selfMedia: () => ({ muted: false, cameraOff: false }),
    receivingVideo: () => true,
    playout,
  });
  grid.add({ key: SELF_KEY, id: 0, name: 'me', isSelf: true });
  let nextId = 1;
  const join = (name: string): { key: string; back: boolean; id: number } => {
    const id = nextId++;
    return { key: `p${id}`, id, back: grid.add({ key: `p${id}`, id, name, isSelf: false }) };
  };
  const keys = new Map(names.map((name) => [name, join(name).key]));
  const focusedName = (): string | undefined => grid.people.focused()?.name;
  const spotlitName = (): string | undefined => grid.people.get(grid.people.spotlit ?? '')?.name;
  return { grid, keys, join, volumes, focusedName, spotlitName };
}

describe('PaneGrid: people who drop out and come back', () => {
  it('after our own reconnect (everyone dropped, then back in order) the focus is where you left it', () => {
    const { grid, keys, join, focusedName } = gridWith(['bot', 'alice', 'bob', 'carol']);
    grid.people.focusOn(keys.get('alice')!);
    for (const key of keys.values()) grid.remove(key, true);
    for (const name of keys.keys()) expect(join(name).back).toBe(true);
    expect(focusedName()).toBe('alice');
  });

  it('someone back does not take a spotlight you gave someone else meanwhile, nor the focus from it', () => {
    const { grid, keys, join, spotlitName, focusedName } = gridWith(['alice', 'bob']);
    grid.people.focusOn(keys.get('alice')!);
    grid.people.toggleSpotlight();
    grid.remove(keys.get('alice')!, true);
    grid.people.focusOn(keys.get('bob')!);
    grid.people.toggleSpotlight();
    join('alice');
    expect(spotlitName()).toBe('bob');
    expect(focusedName()).toBe('bob');
  });

  it('gets the spotlight back when nobody has it; the focus only if you did not move it meanwhile', () => {
    const a = gridWith(['alice', 'bob', 'carol']);
    a.grid.people.focusOn(a.keys.get('alice')!);
    a.grid.people.toggleSpotlight();
    a.grid.remove(a.keys.get('alice')!, true);
    a.join('alice');
    expect(a.spotlitName()).toBe('alice');

    const b = gridWith(['alice', 'bob', 'carol']);
    b.grid.people.focusOn(b.keys.get('alice')!);
    b.grid.remove(b.keys.get('alice')!, true);
    b.grid.people.focusOn(b.keys.get('carol')!); // you moved it
    b.join('alice');
    expect(b.focusedName()).toBe('carol');
  });

  it('someone who left on purpose and joins again is someone new: no focus, spotlight or "back"', () => {
    const { grid, keys, join, focusedName, spotlitName } = gridWith(['alice', 'bob']);
    grid.people.focusOn(keys.get('alice')!);
    grid.people.toggleSpotlight();
    grid.remove(keys.get('alice')!, false);
    expect(join('alice').back).toBe(false);
    expect(spotlitName()).toBeUndefined();
    expect(focusedName()).toBe('bob');
  });

  it('keeps the volume you gave someone, by name, through a drop', () => {
    const { grid, keys, join, volumes } = gridWith(['alice']);
    grid.people.focusOn(keys.get('alice')!);
    grid.changeFocusedVolume(-0.3);
    grid.remove(keys.get('alice')!, true);
    const back = join('alice');
    expect(volumes.get(back.id)).toBe(0.7);
  });
});

describe('PaneGrid: what the stats overlay shows of a picture', () => {
  it('the resolution: "–" before a frame, the last frame\'s size, "camera off" while it is', () => {
    const { grid, keys } = gridWith(['alice']);
    const alice = grid.people.get(keys.get('alice')!)!;
    expect(grid.resolutionOf(alice.id)).toBe('–');
    grid.showFrame(alice, { width: 160, height: 120, data: new Uint8Array(160 * 120 * 4) });
    expect(grid.resolutionOf(alice.id)).toBe('160×120');
    alice.media = { ...alice.media, cameraOff: true };
    expect(grid.resolutionOf(alice.id)).toBe('camera off');
  });
});
