/**
 * The memory of the command an operator runs: `livecomm-tui serve`, idle, read from /proc after it says it listens.
 * The fan-out bench's server is startServer in a bench child, which loads less than the CLI does; SPEC §5's base
 * memory is what `serve` holds, so both are measured and the larger counts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { procRssBytes, sleep } from './stats.js';

/** The compiled CLI beside this file (dist-bench/src/cli/index.js), run as bin/livecomm-tui.js runs dist's. */
const CLI = fileURLToPath(new URL('../src/cli/index.js', import.meta.url));

export interface ServeIdleMemory {
  plainBytes: number;
  /** With --tls and an identity already in the config dir (the generator runs only on first use). */
  tlsBytes: number;
}

async function idleRss(args: string[], configDir: string): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(CLI)}).then((m) => m.main([process.argv[0], 'livecomm-tui', ...process.argv.slice(1)]))`, '--', 'serve', '--bind', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, LIVECOMM_CONFIG_DIR: configDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`serve ${args.join(' ')} did not say it listens within 15 s`)), 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`serve ${args.join(' ')} exited with ${code}`)));
    });
    // Startup garbage and lazily compiled code settle within a second or two of an idle server.
    await sleep(2_000);
    const rss = procRssBytes(child.pid!);
    if (rss === undefined) throw new Error('could not read the serve process memory');
    return rss;
  } finally {
    child.kill('SIGTERM');
  }
}

export async function measureServeIdle(): Promise<ServeIdleMemory> {
  const configDir = mkdtempSync(join(tmpdir(), 'lc-bench-serve-'));
  try {
    const plainBytes = await idleRss([], configDir);
    await idleRss(['--tls'], configDir); // creates the identity
    const tlsBytes = await idleRss(['--tls'], configDir);
    return { plainBytes, tlsBytes };
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
