import { describe, expect, it } from 'vitest';
import { Roster } from '../../src/client/roster.js';

const alice = { id: 1, name: 'alice', muted: false, cameraOff: false };
const bob = { id: 2, name: 'bob', muted: true, cameraOff: false, noCamera: true };

describe('Roster: who is in the room as this participant knows it', () => {
  it('takes the welcome list whole, then joins and leaves', () => {
    const roster = new Roster();
    roster.add({ id: 9, name: 'gone before the welcome', muted: false, cameraOff: false });
    roster.reset([alice, bob]);
    expect(roster.all.map((p) => p.name)).toEqual(['alice', 'bob']);
    roster.remove(1);
    roster.add({ id: 3, name: 'carol', muted: false, cameraOff: true });
    expect(roster.all.map((p) => p.id)).toEqual([2, 3]);
    roster.reset();
    expect(roster.all).toEqual([]);
  });

  it('tells a STATE that changes something, replaced whole; one that changes nothing or is from nobody here is not news', () => {
    const roster = new Roster();
    roster.reset([alice, bob]);
    expect(roster.applyState(1, { muted: false, cameraOff: false })).toBeUndefined();
    expect(roster.applyState(7, { muted: true, cameraOff: false })).toBeUndefined();
    // Bob's camera came back: no `noCamera` any more.
    expect(roster.applyState(2, { muted: true, cameraOff: false })).toEqual({ id: 2, name: 'bob', muted: true, cameraOff: false });
    expect(roster.all[1]).toEqual({ id: 2, name: 'bob', muted: true, cameraOff: false });
    expect(roster.applyState(2, { muted: true, cameraOff: false })).toBeUndefined();
  });

  it('keeps its own copies: changing what the welcome or a STATE handed out does not change the roster', () => {
    const roster = new Roster();
    const welcomed = { ...alice };
    roster.reset([welcomed]);
    welcomed.muted = true;
    const told = roster.applyState(1, { muted: false, cameraOff: true })!;
    told.cameraOff = false;
    expect(roster.all).toEqual([{ id: 1, name: 'alice', muted: false, cameraOff: true }]);
  });
});
