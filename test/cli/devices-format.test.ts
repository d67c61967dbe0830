import { describe, expect, it } from 'vitest';
import { formatDevices } from '../../src/cli/devices.js';

const none = { microphones: [], speakers: [] };

describe('what devices says about the terminal', () => {
  it('from a pipe or a file: not a terminal', () => {
    expect(formatDevices([], none, undefined)).toContain('This terminal (--color, --transmit ptt)\n  not a terminal: run devices in the terminal you will call from\n');
  });

  it('typed in a terminal but piped on (devices | less): says why it did not ask, not that this is no terminal', () => {
    const text = formatDevices([], none, undefined, undefined, true);
    expect(text).toContain('  not asked: the output goes to a pipe or a file; run livecomm-tui devices alone to see what this terminal can do\n');
    expect(text).not.toContain('not a terminal');
  });
});
