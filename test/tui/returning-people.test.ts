import { describe, expect, it } from 'vitest';
import { ReturningPeople } from '../../src/tui/returning-people.js';

const spotlit = { spotlight: true };

describe('ReturningPeople', () => {
  it('gives back what someone who dropped out left behind when they return under the same name, once', () => {
    const people = new ReturningPeople(150_000);
    people.dropped('alice', spotlit, 1000);
    expect(people.returned('bob', 2000)).toBeUndefined();
    expect(people.returned('alice', 20_000)).toEqual(spotlit);
    expect(people.returned('alice', 21_000)).toBeUndefined(); // a second alice joining is someone new
  });

  it('forgets them after the time a client keeps reconnecting', () => {
    const people = new ReturningPeople(150_000);
    people.dropped('alice', spotlit, 1000);
    people.dropped('carol', spotlit, 1000);
    expect(people.returned('carol', 140_000)).toEqual(spotlit);
    expect(people.returned('alice', 151_001)).toBeUndefined();
  });
});
