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
    // Three files at once on the 2-core machine: most integration tests wait on real time (a call's seconds, a
    // reconnect's back-off), so a third keeps the cores busy; the suite takes ~8 minutes instead of ~10.5. The
    // real-time audio tests run after, alone (package.json's test script).
    maxWorkers: 3,
  },
});
