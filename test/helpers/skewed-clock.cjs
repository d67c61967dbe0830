// Preloaded with `node --require` (NODE_OPTIONS) to run a participant whose wall clock is LC_TEST_CLOCK_SKEW_MS
// off, as on a machine whose clock was never synchronised: Date.now and performance.timeOrigin both move.
const skew = Number(process.env.LC_TEST_CLOCK_SKEW_MS ?? 0);
const realNow = Date.now;
Date.now = () => realNow() + skew;
const origin = performance.timeOrigin + skew;
Object.defineProperty(performance, 'timeOrigin', { get: () => origin });
