import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Stops the PulseAudio the audio tests start, or gives an existing one its defaults back (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // Integration tests start real servers, processes and terminals: give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at once on the 2-core machine. Three took the suite from ~10.5 to ~8 minutes, but their load still
    // fails a timing-bound test now and then (of six fresh-clone runs: call-stats' flowing kbit/s once, a
    // tui-connect race, since fixed, once), so not yet.
    maxWorkers: 2,
  },
});
