import { describe, expect, it } from 'vitest';
import { Roster } from '../../src/tui/roster.js';

const area = { x: 0, y: 0, width: 120, height: 40 };
const person = (key: string, isSelf = false) => ({ key, isSelf });

function rosterOf(...keys: string[]): Roster<{ key: string; isSelf: boolean }> {
  const roster = new Roster<{ key: string; isSelf: boolean }>();
  roster.add(person('self', true));
  for (const key of keys) roster.add(person(key));
  return roster;
}

describe('Roster', () => {
  it('keeps people in the order they came, once each', () => {
    const roster = rosterOf('a', 'b');
    expect(roster.add(person('a'))).toBe(false);
    expect(roster.visible().map((p) => p.key)).toEqual(['self', 'a', 'b']);
    expect(roster.size).toBe(3);
  });

  it('hides and shows your self view without forgetting you', () => {
    const roster = rosterOf('a');
    roster.toggleSelf();
    expect(roster.selfVisible).toBe(false);
    expect(roster.visible().map((p) => p.key)).toEqual(['a']);
    expect(roster.size).toBe(2);
    roster.toggleSelf();
    expect(roster.visible()).toHaveLength(2);
  });

  it('arranges the visible people in a grid, one rectangle each, and moves the focus through it', () => {
    const roster = rosterOf('a', 'b', 'c', 'd');
    const { people, rects, focus } = roster.arrange(area);
    expect(people).toHaveLength(5);
    expect(rects).toHaveLength(5);
    expect(focus).toBe(0);
    roster.moveFocus('previous');
    expect(roster.focused()?.key).toBe('d');
    roster.moveFocus('next');
    expect(roster.focused()?.key).toBe('self');
  });

  it('spotlights the focused person in the whole area, and ends it when they leave', () => {
    const roster = rosterOf('a', 'b');
    roster.moveFocus('next');
    roster.toggleSpotlight();
    let { rects } = roster.arrange(area);
    expect(rects[1]).toEqual(area);
    expect(rects[0]!.width).toBe(0);
    roster.remove('a');
    ({ rects } = roster.arrange(area));
    expect(rects.every((r) => r.width > 0)).toBe(true);
  });

  it('in the spotlight, moving the focus moves the spotlight: the pane shown is the one + and - act on', () => {
    const roster = rosterOf('a', 'b');
    roster.moveFocus('next');
    roster.toggleSpotlight();
    roster.moveFocus('next');
    expect(roster.focused()?.key).toBe('b');
    expect(roster.arrange(area).rects[2]).toEqual(area);
    roster.moveFocus('down');
    expect(roster.focused()?.key).toBe('self');
    expect(roster.arrange(area).rects[0]).toEqual(area);
    // f again: back to the grid, focus where the spotlight was.
    roster.toggleSpotlight();
    expect(roster.arrange(area).rects.every((r) => r.width > 0)).toBe(true);
    expect(roster.focused()?.key).toBe('self');
  });

  it('keeps the focus on a pane that exists when people leave', () => {
    const roster = rosterOf('a', 'b');
    roster.moveFocus('previous');
    expect(roster.focused()?.key).toBe('b');
    roster.remove('b');
    expect(roster.arrange(area).focus).toBe(1);
    expect(roster.focused()?.key).toBe('a');
  });

  it('a click on a pane spotlights that person and focuses them; a click in the spotlight goes back to the grid', () => {
    const roster = rosterOf('a', 'b', 'c');
    roster.select('b');
    expect(roster.focused()?.key).toBe('b');
    const spotlit = roster.arrange(area);
    expect(spotlit.rects[spotlit.people.findIndex((p) => p.key === 'b')]).toMatchObject({ width: area.width });
    roster.select('b');
    const grid = roster.arrange(area);
    expect(grid.rects.every((r) => r.width < area.width)).toBe(true);
    expect(roster.focused()?.key).toBe('b');
    // Someone who has no pane (left, or your hidden self view) changes nothing.
    roster.toggleSelf();
    const before = roster.focused()?.key;
    roster.select('self');
    roster.select('gone');
    expect(roster.focused()?.key).toBe(before);
    expect(roster.arrange(area).rects.every((r) => r.width < area.width)).toBe(true);
  });

  it('hiding your self view while it is in the spotlight brings the grid back, and Tab spotlights nobody', () => {
    const roster = rosterOf('a', 'b');
    roster.select('self');
    expect(roster.spotlit).toBe('self');
    roster.toggleSelf();
    expect(roster.spotlit).toBeUndefined();
    roster.moveFocus('next');
    expect(roster.spotlit).toBeUndefined();
    expect(roster.arrange(area).rects.every((r) => r.width < area.width)).toBe(true);
  });

  it('keeps the focus on the same person when someone before them leaves or joins', () => {
    const roster = rosterOf('a', 'b', 'c', 'd');
    roster.moveFocus('next');
    roster.moveFocus('next');
    expect(roster.focused()?.key).toBe('b');
    roster.remove('a');
    expect(roster.focused()?.key).toBe('b');
    let { people, focus } = roster.arrange(area);
    expect(people[focus]?.key).toBe('b');
    roster.add(person('e'));
    ({ people, focus } = roster.arrange(area));
    expect(people[focus]?.key).toBe('b');
    // Tab goes on from them, skipping nobody.
    roster.moveFocus('next');
    expect(roster.focused()?.key).toBe('c');
  });

  it('in the spotlight, someone before the spotlit person leaving changes nothing, and Tab then skips nobody', () => {
    const roster = rosterOf('a', 'b', 'c', 'd');
    roster.select('b');
    roster.remove('a');
    const { people, rects } = roster.arrange(area);
    expect(rects[people.findIndex((p) => p.key === 'b')]).toEqual(area);
    roster.moveFocus('next');
    expect(roster.focused()?.key).toBe('c');
    roster.moveFocus('next');
    expect(roster.focused()?.key).toBe('d');
  });

  it('when the focused person leaves, the focus goes to the pane after theirs, or before it when theirs was last', () => {
    const roster = rosterOf('a', 'b', 'c');
    roster.select('b');
    roster.select('b'); // back to the grid, b focused
    roster.remove('b');
    expect(roster.focused()?.key).toBe('c');
    roster.remove('c');
    expect(roster.focused()?.key).toBe('a');
    // Your self view hidden while focused: the next pane has the focus, and keeps it when the view shows again.
    const other = rosterOf('a');
    other.toggleSelf();
    expect(other.focused()?.key).toBe('a');
    other.toggleSelf();
    expect(other.focused()?.key).toBe('a');
  });
});
