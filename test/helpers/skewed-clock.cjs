// Preloaded with `node --require` (NODE_OPTIONS) to run a participant whose wall clock is LC_TEST_CLOCK_SKEW_MS
// off, as on a machine whose clock was never synchronised: Date.now and performance.timeOrigin both move. With
// LC_TEST_CLOCK_SKEW_UNTIL_FILE the skew ends once that file exists (looked for at most every 50 ms): a clock put
// right while the process runs, so what it stamped before is genuinely from another time.
const { existsSync } = require('node:fs');

const skewMs = Number(process.env.LC_TEST_CLOCK_SKEW_MS ?? 0);
const untilFile = process.env.LC_TEST_CLOCK_SKEW_UNTIL_FILE;
let skewed = true;
let lookedAt = 0;
const realNow = Date.now;
const skew = () => {
  if (!untilFile || !skewed) return skewed ? skewMs : 0;
  const now = realNow();
  if (now - lookedAt >= 50) {
    lookedAt = now;
    skewed = !existsSync(untilFile);
  }
  return skewed ? skewMs : 0;
};
Date.now = () => realNow() + skew();
const realOrigin = performance.timeOrigin;
Object.defineProperty(performance, 'timeOrigin', { get: () => realOrigin + skew() });
