// Preloaded with `node --require` to set this process's wall clock mid-run, as NTP stepping it, a resumed VM or
// `date -s` does: Date.now (and `new Date()`) move by a signed number of ms; performance.now and
// performance.timeOrigin do not (a real step moves neither in a running process). The step comes either
// LC_TEST_CLOCK_JUMP_MS after LC_TEST_CLOCK_JUMP_AFTER_MS (a CLI run by hand), or once the file
// LC_TEST_CLOCK_JUMP_WHEN_FILE exists (looked for every 50 ms: a CLI a test drives), or on an IPC message
// {type:'clock-jump', ms}, answered {type:'clock-jumped'} (ServerProcess.jumpClock).
const realNow = Date.now;
let offset = 0;
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...args) {
    super(...(args.length === 0 ? [realNow() + offset] : args));
  }
  static now() {
    return realNow() + offset;
  }
};
const step = (ms) => {
  offset += ms;
  process.stderr.write(`[clock-jump] wall clock set by ${ms} ms\n`);
};
if (process.env.LC_TEST_CLOCK_JUMP_MS) {
  const ms = Number(process.env.LC_TEST_CLOCK_JUMP_MS);
  const whenFile = process.env.LC_TEST_CLOCK_JUMP_WHEN_FILE;
  if (whenFile) {
    const { existsSync } = require('node:fs');
    const poll = setInterval(() => {
      if (!existsSync(whenFile)) return;
      clearInterval(poll);
      step(ms);
    }, 50);
    poll.unref();
  } else {
    setTimeout(() => step(ms), Number(process.env.LC_TEST_CLOCK_JUMP_AFTER_MS ?? 0)).unref();
  }
}
if (process.send) {
  process.on('message', (msg) => {
    if (msg?.type !== 'clock-jump') return;
    step(msg.ms);
    process.send({ type: 'clock-jumped' });
  });
  // The listener must not keep a child alive that would otherwise exit.
  process.channel?.unref();
}
