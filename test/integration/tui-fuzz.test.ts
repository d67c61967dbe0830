import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { useCliWorkspace, type CliProcess } from '../helpers/cli-process.js';
import { freePort } from '../helpers/ports.js';
import { chatText } from '../helpers/call-screen.js';
import { rng } from '../helpers/rng.js';
import { SCREEN_ERRORS, TmuxWindows, paneNames, paneTitle, terminalNotRestored } from '../helpers/tui-fuzz.js';
import { until } from '../helpers/wait.js';

// TUIFUZZ_SEED and TUIFUZZ_STEPS run it longer by hand, e.g. TUIFUZZ_STEPS=2000 for a hunt of several minutes.
const SEED = Number(process.env.TUIFUZZ_SEED ?? 20261207);
const STEPS = Number(process.env.TUIFUZZ_STEPS ?? 100);
const NAMES = ['ada', 'bob', 'cy', 'dee'];
const BIG = { width: 140, height: 45 };

const workspace = useCliWorkspace('lc-tuifuzz-');

/** Keys a user presses in a call (README's key list), as tmux names them. */
const KEYS = ['m', 'v', 'a', 'Tab', 'BTab', 'Left', 'Right', 'Up', 'Down', 'f', '+', '-', '=', '_', 'r', 'g', 'i', 'b', 's', '?',
  'y', 'PageUp', 'PageDown', 'End', 'Escape', 'C-l', 'Enter', 'c', 'Space', 'Home', 'BSpace', 'C-a', 'C-e', 'C-k', 'C-w', 'C-u', 'M-d', 'M-b', 'F1', 'DC'];
const TEXTS = ['hello', 'hi there', '北京 東京 서울', '😀👍🏽🎉', '👩‍💻 and 🇫🇷', 'e\u0301te\u0301', 'שלום עולם', 'tab\there', '{bold}tags{/bold}', 'ada: ping', '@bob look'];
const SIZES = [[20, 6], [40, 10], [79, 23], [80, 24], [100, 30], [140, 45], [250, 80], [1, 1], [300, 100]] as const;

describe('the call screen fuzzed with real processes in tmux', () => {
  it(`survives random keys, pastes, resizes, leaving and rejoining (seed ${SEED}, ${STEPS} steps)`, async () => {
    const random = rng(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const port = await freePort();
    const servers: CliProcess[] = [];
    const startServer = async (): Promise<void> => {
      const proc = workspace.start(['serve', '--bind', '127.0.0.1', '--port', String(port)]);
      await proc.waitForOutput(/listening on/);
      servers.push(proc);
    };
    await startServer();
    const serverLog = (): string => servers.map((s) => s.stderr).join('');
    /** How often NAME has joined, as the servers logged it; a client started is in the call once it has one more. */
    const joinsOf = (name: string): number => [...serverLog().matchAll(/ joined peer=\d+ name=(\S+) /g)].filter((m) => m[1] === name).length;
    const joinsAtStart = new Map<string, number>();
    const tmux = new TmuxWindows(workspace.dir, `tuifuzz-${process.pid}`);
    // After a timeout too, when the finally below never runs: the windows' programs would call on.
    onTestFinished(() => tmux.kill());
    try {
      const live = new Set<string>();
      const env = { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config'), PULSE_SERVER: 'unix:/nonexistent', COLORTERM: 'truecolor' };
      const log: string[] = [];
      const start = (name: string, size = BIG): void => {
        log.push(`${name}: start ${size.width}x${size.height}`);
        tmux.run(name, ['connect', `127.0.0.1:${port}`, '--name', name, '--video', 'pattern', '--audio', 'tone', '--speaker', 'none',
          '--log-file', join(workspace.dir, `${name}.log`)], size, env);
        live.add(name);
        joinsAtStart.set(name, joinsOf(name));
      };
      const fail = (what: string, name: string): never => {
        throw new Error(`${what} (${name})\nlast actions:\n${log.slice(-25).join('\n')}\nscreen:\n${tmux.textOrWhy(name)}`);
      };
      /** A program that ended: it must have exited 0 and given the terminal back as it found it. */
      const checkExited = (name: string): void => {
        const status = tmux.exitStatus(name);
        if (status === undefined || !live.has(name)) return;
        live.delete(name);
        log.push(`${name}: exited ${status}`);
        if (status !== 0) fail(`exit status ${status}`, name);
        const problem = terminalNotRestored(tmux.stty(name), {
          alternate: tmux.format(name, '#{alternate_on}'),
          cursor: tmux.format(name, '#{cursor_flag}'),
          mouse: tmux.format(name, '#{mouse_any_flag}'),
        });
        if (problem) fail(problem, name);
      };
      const checkScreen = (name: string): void => {
        const screen = tmux.text(name);
        if (SCREEN_ERRORS.test(screen)) fail(`the screen shows an error: ${SCREEN_ERRORS.exec(screen)![0]}`, name);
      };
      const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

      for (const name of NAMES) start(name);
      for (const name of NAMES) await until(() => tmux.text(name).includes(`joined as ${name}`), `${name} to join`, 15_000, 100);

      for (let step = 0; step < STEPS; step++) {
        const dead = NAMES.filter((n) => !live.has(n) && tmux.exitStatus(n) !== undefined);
        if (dead.length > 0 && random() < 0.3) start(pick(dead), { width: pick(SIZES)[0] + 20, height: 30 });
        const alive = [...live];
        if (alive.length === 0) continue;
        const name = pick(alive);
        const r = random();
        if (r < 0.4) {
          const key = pick(KEYS);
          log.push(`${name}: key ${key}`);
          tmux.keys(name, key);
        } else if (r < 0.55) {
          const text = pick(TEXTS);
          log.push(`${name}: chat ${JSON.stringify(text)}`);
          tmux.keys(name, 'c');
          await pause(50);
          tmux.type(name, text);
          tmux.keys(name, pick(['Enter', 'Enter', 'Escape', 'Tab', 'Up']));
        } else if (r < 0.63) {
          const text = random() < 0.3 ? 'word '.repeat(200 + Math.floor(random() * 600)) : `${pick(TEXTS)}\n${pick(TEXTS)}\r\n${pick(TEXTS)}`;
          const bracketed = random() < 0.7;
          log.push(`${name}: paste ${text.length} chars${bracketed ? '' : ' unbracketed'}`);
          tmux.paste(name, text, bracketed);
        } else if (r < 0.78) {
          const [width, height] = random() < 0.7 ? pick(SIZES) : [10 + Math.floor(random() * 200), 4 + Math.floor(random() * 60)];
          log.push(`${name}: resize ${width}x${height}`);
          tmux.resize(name, width, height);
        } else if (r < 0.84) {
          const x = 1 + Math.floor(random() * 100);
          const y = 1 + Math.floor(random() * 40);
          const button = pick([0, 0, 64, 65]);
          log.push(`${name}: mouse ${button} at ${x},${y}`);
          tmux.bytes(name, `\x1b[<${button};${x};${y}M${button < 64 ? `\x1b[<${button};${x};${y}m` : ''}`);
        } else if (r < 0.9) {
          const letters = Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick([...'mvafrgibs?cxyz ']));
          log.push(`${name}: types ${JSON.stringify(letters.join(''))}`);
          tmux.type(name, letters.join(''));
        } else if (r < 0.94 && live.size > 1) {
          const how = pick(['q', 'C-c', 'SIGTERM', 'SIGHUP'] as const);
          log.push(`${name}: leaves with ${how}`);
          if (how === 'q') {
            // Esc closes the chat line or an overlay; Esc and q in one read (as tmux's escape-time joins them) are Esc
            // and q too, and q then asks first, as for Alt-q (the same bytes): y.
            tmux.keys(name, 'Escape');
            await pause(150);
            tmux.bytes(name, '\x1bq');
            tmux.keys(name, 'y');
          } else {
            // Once the call screen is up: a signal while Node is still loading ends it by the signal's default, and a
            // Ctrl-C then is the terminal's SIGINT to the window's shell too.
            await until(() => tmux.format(name, '#{alternate_on}') === '1', `${name}'s call screen`, 10_000, 50);
            if (how === 'C-c') tmux.keys(name, 'C-c');
            else for (const pid of tmux.programPids(name)) process.kill(pid, how);
          }
          const exited = (): boolean => tmux.exitStatus(name) !== undefined;
          await until(exited, `${name} to exit after ${how}`, 15_000, 50).catch(() => fail(`did not exit after ${how}`, name));
        } else if (r < 0.945) {
          // The server restarts: everyone reconnects by themselves (README, "Lost connection").
          // Once everyone has joined: a first connection gives up after 3 attempts (exit 4, README), a rejoin does not.
          await until(() => [...live].every((n) => joinsOf(n) > joinsAtStart.get(n)!), 'everyone to have joined', 15_000, 50);
          log.push('server restarts');
          const old = servers.at(-1)!;
          old.signal('SIGTERM');
          await old.exited;
          await pause(random() * 2000);
          await startServer();
        } else {
          await pause(300);
        }
        await pause(random() * 150);
        for (const n of NAMES) checkExited(n);
        if (live.has(name)) checkScreen(name);
      }

      // Settle: everyone back, overlays and chat lines closed, a large window; then who is here, who is muted and the
      // chat must agree across the screens.
      for (const name of NAMES) if (!live.has(name)) await until(() => tmux.exitStatus(name) !== undefined, `${name} exit`, 10_000, 50);
      for (const name of NAMES) if (!live.has(name)) start(name);
      for (const name of NAMES) {
        tmux.keys(name, 'Escape');
        await pause(150);
        tmux.keys(name, 'Escape');
        await pause(150);
        tmux.resize(name, BIG.width, BIG.height);
        tmux.keys(name, 'End');
      }
      for (const name of NAMES) {
        let spotlightPressed = 0;
        await until(() => {
          checkExited(name);
          if (!live.has(name)) fail('left during the settle', name);
          const screen = tmux.text(name);
          if (!screen.includes(`${NAMES.length} here`)) return false;
          const shown = paneNames(screen);
          // A spotlight shows one pane: f goes back to the grid (once a second at most, it toggles).
          if (shown.length === 1 && Date.now() - spotlightPressed > 1000) {
            spotlightPressed = Date.now();
            tmux.keys(name, 'f');
          }
          return NAMES.filter((n) => n !== name).every((n) => shown.includes(n));
        }, `${name}'s screen to show everyone`, 20_000, 100).catch((err: Error) => fail(err.message, name));
      }
      const muted = new Map(NAMES.map((name) => [name, /mic OFF/.test(tmux.text(name))]));
      for (const viewer of NAMES) {
        await until(() => NAMES.filter((n) => n !== viewer).every((n) => (paneTitle(tmux.text(viewer), n)?.includes('muted') ?? false) === muted.get(n)),
          `${viewer} to show who is muted (${JSON.stringify([...muted])})`, 10_000, 100).catch((err: Error) => fail(err.message, viewer));
      }
      for (const name of NAMES) {
        tmux.keys(name, 'c');
        await until(() => tmux.text(name).includes('Enter send'), `${name}'s chat line`, 5000, 50);
        tmux.keys(name, 'C-u');
        tmux.type(name, `last word from ${name} 北京 😀`);
        tmux.keys(name, 'Enter');
        await pause(100);
        tmux.keys(name, 'Escape');
      }
      for (const viewer of NAMES) {
        await until(() => NAMES.every((n) => chatText(tmux.text(viewer)).includes(`${n}: last word from ${n} 北京 😀`)),
          `${viewer} to show everyone's chat`, 10_000, 100).catch((err: Error) => fail(err.message, viewer));
        checkScreen(viewer);
      }
      // Leaving from the stats with Esc and q typed within tmux's escape-time: one read, Esc closes them and q asks
      // first (Alt-q is those bytes): y leaves.
      for (const name of NAMES) {
        tmux.keys(name, 's');
        await until(() => tmux.text(name).includes('your video'), `${name}'s stats`, 5000, 50);
        tmux.bytes(name, '\x1bq');
        await until(() => tmux.text(name).includes('Leave the call?'), `${name}'s leave question`, 5000, 50);
        tmux.keys(name, 'y');
      }
      for (const name of NAMES) {
        await until(() => tmux.exitStatus(name) !== undefined, `${name} to exit`, 10_000, 50);
        checkExited(name);
        const logText = readFileSync(join(workspace.dir, `${name}.log`), 'utf8');
        expect(logText, `${name}'s log`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      }
      expect(serverLog()).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(serverLog()).not.toMatch(/ERROR/);
      // Every way of leaving says goodbye (README: SIGHUP and SIGTERM leave as Ctrl-C does): nobody merely dropped out.
      const reasons = new Set([...serverLog().matchAll(/ left .* reason=(\S+)/g)].map((m) => m[1]));
      expect([...reasons].filter((r) => r !== 'leave' && r !== 'server-shutdown')).toEqual([]);
      if (process.env.TUIFUZZ_VERBOSE) console.log(log.join('\n'));
    } finally {
      tmux.kill();
    }
  }, Math.max(120_000, STEPS * 500));
});
