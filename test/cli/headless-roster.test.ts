import { describe, expect, it } from 'vitest';
import { OWN_LINK_LOST } from '../../src/client/call-types.js';
import { HeadlessRoster, LEFT_WHILE_AWAY } from '../../src/cli/headless-roster.js';

const p = (id: number, name: string) => ({ id, name, muted: true, cameraOff: true });

describe('HeadlessRoster', () => {
  it('prints nothing more on a first join, and passes on the server\'s own leaves', () => {
    const roster = new HeadlessRoster();
    expect(roster.welcome([p(1, 'alice')], false)).toEqual([]);
    expect(roster.left(1, 'leave')).toBe(true);
    expect(roster.left(1, 'disconnected')).toBe(true);
  });

  it('keeps our own lost link out of the output, and prints after the rejoin who left and who came meanwhile', () => {
    const roster = new HeadlessRoster();
    roster.welcome([p(1, 'alice'), p(2, 'bob')], false);
    roster.joined(p(3, 'dave'));
    for (const id of [1, 2, 3]) expect(roster.left(id, OWN_LINK_LOST)).toBe(false);
    expect(roster.welcome([p(1, 'alice'), p(3, 'dave'), p(5, 'carol')], true)).toEqual([
      { type: 'participant-left', id: 2, name: 'bob', reason: LEFT_WHILE_AWAY },
      { type: 'participant-joined', ...p(5, 'carol') },
    ]);
    // The next rejoin compares with the room as it was then.
    expect(roster.welcome([p(1, 'alice'), p(3, 'dave'), p(5, 'carol')], true)).toEqual([]);
  });

  it('tells a renumbered room (a restarted server) as a leave and a join, so ids stay right', () => {
    const roster = new HeadlessRoster();
    roster.welcome([p(1, 'bob')], false);
    roster.joined(p(3, 'carol'));
    expect(roster.welcome([p(1, 'carol'), p(2, 'bob')], true)).toEqual([
      { type: 'participant-left', id: 1, name: 'bob', reason: LEFT_WHILE_AWAY },
      { type: 'participant-left', id: 3, name: 'carol', reason: LEFT_WHILE_AWAY },
      { type: 'participant-joined', ...p(1, 'carol') },
      { type: 'participant-joined', ...p(2, 'bob') },
    ]);
  });

  it('forgets who left while we were in the room, so a rejoin does not say they left again', () => {
    const roster = new HeadlessRoster();
    roster.welcome([], false);
    roster.joined(p(2, 'bob'));
    roster.left(2, 'leave');
    expect(roster.welcome([], true)).toEqual([]);
  });

  it('after a rejoin, prints a state for each one still there whose microphone, camera or recording changed meanwhile', () => {
    const roster = new HeadlessRoster();
    roster.welcome([p(1, 'alice'), p(2, 'bob'), p(3, 'carol')], false);
    // Said while we were in the room: the rejoin compares with it, not with the first WELCOME.
    roster.joined({ ...p(3, 'carol'), muted: false });
    const alice = { ...p(1, 'alice'), muted: false, recording: true };
    expect(roster.welcome([alice, p(2, 'bob'), { ...p(3, 'carol'), muted: false }], true)).toEqual([{ type: 'state', ...alice }]);
    // The same person under a new id is a leave and a join, not a state.
    expect(roster.welcome([{ ...p(4, 'alice'), cameraOff: false }, p(2, 'bob'), { ...p(3, 'carol'), muted: false }], true)).toEqual([
      { type: 'participant-left', id: 1, name: 'alice', reason: LEFT_WHILE_AWAY },
      { type: 'participant-joined', ...p(4, 'alice'), cameraOff: false },
    ]);
  });
});
