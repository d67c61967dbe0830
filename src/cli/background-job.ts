import { readFileSync } from 'node:fs';

/**
 * Whether this process is a background job of its terminal (`livecomm-tui connect … --headless &` from an interactive
 * shell). Such a job that reads the terminal is stopped by the kernel (SIGTTIN, the shell's "Stopped (tty input)") at
 * the first line typed in the shell: stopped, a participant answers nobody and the call drops it. Linux (/proc); false
 * where it cannot tell.
 */
export function isBackgroundJob(): boolean {
  try {
    return backgroundInStat(readFileSync('/proc/self/stat', 'utf8'));
  } catch {
    return false;
  }
}

/**
 * From the text of /proc/PID/stat: whether the process group (field 5) is not the terminal's foreground group
 * (field 8, -1 without a terminal). Fields are counted after the command name's closing parenthesis: a name may hold
 * spaces and parentheses.
 */
export function backgroundInStat(stat: string): boolean {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const group = Number(fields[2]);
  const foreground = Number(fields[5]);
  return foreground > 0 && Number.isInteger(group) && group !== foreground;
}
