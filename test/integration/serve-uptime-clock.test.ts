import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useCliWorkspace } from '../helpers/cli-process.js';
import { until } from '../helpers/wait.js';

/**
 * `serve`'s status line (SIGUSR1) with its wall clock set mid-run: the server runs with test/helpers/clock-jump.cjs,
 * which moves Date.now and leaves the monotonic clock alone, as NTP stepping the clock or `date -s` does.
 */
const CLOCK_JUMP = fileURLToPath(new URL('../helpers/clock-jump.cjs', import.meta.url));
const workspace = useCliWorkspace('lc-serve-uptime-');

describe('serve when its wall clock is set', () => {
  it('reports its uptime as time that passed: an hour set forward is not an hour up', async () => {
    const trigger = join(workspace.dir, 'jump-now');
    const { proc: server } = await workspace.serve([], {
      NODE_OPTIONS: `--require ${CLOCK_JUMP}`, LC_TEST_CLOCK_JUMP_MS: '3600000', LC_TEST_CLOCK_JUMP_WHEN_FILE: trigger,
    });
    expect(existsSync(trigger)).toBe(false);
    writeFileSync(trigger, '');
    await until(() => server.stderr.includes('[clock-jump] wall clock set'), 'the clock to be set');
    server.signal('SIGUSR1');
    const uptime = await until(() => /status .*uptimeS=(\d+)/.exec(server.stderr)?.[1], 'a status line');
    // Started a moment ago; 3600 when the step was counted.
    expect(Number(uptime)).toBeLessThan(60);
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
