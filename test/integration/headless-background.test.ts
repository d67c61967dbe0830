// A headless participant started in the background (`&`) from an interactive shell, its stdin that shell's terminal:
// the first line typed in the shell stopped it (SIGTTIN, "Stopped (tty input)"), and the call dropped it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKGROUND_STDIN_NOTICE } from '../../src/cli/headless.js';
import { BIN, useCliWorkspace } from '../helpers/cli-process.js';
import { shellQuote, TmuxSession } from '../helpers/tmux.js';
import { until } from '../helpers/wait.js';

const workspace = useCliWorkspace('lc-hbg-');
let shell: TmuxSession | undefined;
afterEach(() => shell?.kill());

/** The state letter of process `pid` (`T`: stopped). */
function stateOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
}

describe('headless in the background of an interactive shell', () => {
  it.skipIf(process.platform !== 'linux')('reads no chat from the terminal, says so, and is not stopped by a line typed in the shell', async () => {
    const { port } = await workspace.serve();
    const alice = await workspace.joinHeadless(port, 'alice');
    const events = join(workspace.dir, 'bg-events.jsonl');
    shell = new TmuxSession('bash --norc --noprofile -i', { width: 150, height: 30, env: { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') } });
    const command = [process.execPath, BIN, 'connect', `127.0.0.1:${port}`, '--name', 'bg', '--headless', '--video', 'none', '--audio', 'none']
      .map(shellQuote).join(' ');
    shell.type(`${command} > ${shellQuote(events)} 2>&1 & echo PID=$!`);
    shell.keys('Enter');
    const pid = Number(/PID=(\d+)/.exec(await shell.waitForText(/PID=\d+/))![1]);
    await alice.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'bg');
    // A line typed in the shell, for the shell: it answers, and bg, which would have read it too, is not stopped.
    shell.type('echo typed-$((6*7))');
    shell.keys('Enter');
    await shell.waitForText('typed-42');
    // Still running after it: its next stats line comes (stopped, it printed nothing more).
    const statsLines = (): number => readFileSync(events, 'utf8').split('\n').filter((l) => l.includes('"stats"')).length;
    const before = statsLines();
    await until(() => statsLines() > before, 'bg to go on printing its stats');
    expect(stateOf(pid)).not.toBe('T');
    const first = JSON.parse(readFileSync(events, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ type: 'notice', message: BACKGROUND_STDIN_NOTICE });
    expect(alice.events().some((e) => e.type === 'participant-left')).toBe(false);
    process.kill(pid, 'SIGINT');
    expect(await alice.waitForEvent((e) => e.type === 'participant-left')).toMatchObject({ name: 'bg', reason: 'leave' });
    alice.signal('SIGINT');
    expect(await alice.exited).toBe(0);
  });
});
