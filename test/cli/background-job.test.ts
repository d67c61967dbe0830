import { describe, expect, it } from 'vitest';
import { backgroundInStat } from '../../src/cli/background-job.js';

/** A /proc/PID/stat line: pid (comm) state ppid pgrp session tty_nr tpgid … */
const stat = (comm: string, pgrp: number, tpgid: number): string => `4242 (${comm}) S 4200 ${pgrp} 4200 34816 ${tpgid} 4194304 0 0`;

describe('backgroundInStat', () => {
  it('is a background job when its process group is not the terminal\'s foreground group', () => {
    expect(backgroundInStat(stat('node', 4242, 4200))).toBe(true);
    expect(backgroundInStat(stat('node', 4242, 4242))).toBe(false);
  });

  it('is none without a terminal (tpgid -1)', () => {
    expect(backgroundInStat(stat('node', 4242, -1))).toBe(false);
  });

  it('reads the fields after the last parenthesis: a command name may hold spaces and parentheses', () => {
    expect(backgroundInStat(stat('my (odd) 1 2 3 name', 4242, 4200))).toBe(true);
    expect(backgroundInStat(stat('my (odd) 1 2 3 name', 4242, 4242))).toBe(false);
  });
});
