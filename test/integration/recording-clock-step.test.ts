/**
 * A recorder whose machine's wall clock is set forward mid-call (NTP stepping it, a VM's guest agent, `date -s`):
 * the recording's timeline must not take it for time passing. The recorder runs with test/helpers/clock-jump.cjs,
 * which moves Date.now and leaves the monotonic and boot clocks alone, as a real step does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { useCliWorkspace } from '../helpers/cli-process.js';
import { readWav } from '../helpers/wav.js';

const CLOCK_JUMP = fileURLToPath(new URL('../helpers/clock-jump.cjs', import.meta.url));
const workspace = useCliWorkspace('lc-rec-step-');
afterAll(() => workspace.killAll());

type Stats = { streams?: Array<{ name: string; audio?: { frames: number } }> };
const heardFrom = (e: Stats, name: string): number => e.streams?.find((s) => s.name === name)?.audio?.frames ?? 0;

describe.runIf(process.platform === 'linux')('a recording across this machine\'s clock set forward', () => {
  it('gains no silence for a 30 s step (was: a 6 s call recorded as a 36 s WAV)', async () => {
    const { port } = await workspace.serve();
    const rec = join(workspace.dir, 'rec');
    const trigger = join(workspace.dir, 'step-now');
    const bob = workspace.start(
      ['connect', `127.0.0.1:${port}`, '--headless', '--name', 'bob', '--video', 'none', '--audio', 'none', '--speaker', 'none', '--record', rec, '--duration', '6'],
      { NODE_OPTIONS: `--require ${CLOCK_JUMP}`, LC_TEST_CLOCK_JUMP_MS: '30000', LC_TEST_CLOCK_JUMP_WHEN_FILE: trigger },
    );
    await bob.waitForEvent((e) => e.type === 'joined');
    await workspace.joinHeadless(port, 'alice', { audio: 'tone', extra: ['--speaker', 'none', '--duration', '20'] });
    // Bob has recorded some of alice when his clock is set, and goes on recording her after.
    await bob.waitForEvent((e) => e.type === 'stats' && heardFrom(e as Stats, 'alice') > 0);
    writeFileSync(trigger, '');
    expect(await bob.exited).toBe(0);
    expect(bob.stderr).toContain('[clock-jump] wall clock set by 30000 ms');
    const seconds = readWav(join(rec, 'alice.wav')).samples.length / 48_000;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(6.5);
  });
});
