/**
 * A disk that fills up while the config dir is written must not leave a file that breaks the next start once space
 * is freed. A file size limit (bash's `ulimit -f`, in KiB) cuts writes short exactly as a full disk does, in any
 * directory and without root: Node ignores SIGXFSZ, so the write returns short and then fails with EFBIG.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, CliProcess, useCliWorkspace } from '../helpers/cli-process.js';

const workspace = useCliWorkspace('lc-cfg-damage-');
afterEach(() => workspace.killAll());

/** The CLI under a file size limit of `kib` KiB. */
function limited(kib: number, args: string[], configDir: string): CliProcess {
  return workspace.track(new CliProcess(args, { LIVECOMM_CONFIG_DIR: configDir }, ['bash', '-c', `ulimit -f ${kib}; exec "$0" "$@"`, process.execPath, BIN]));
}

const CONNECT = ['--tls', '--headless', '--video', 'none', '--audio', 'none', '--speaker', 'none', '--duration', '0.3'];

describe('a full disk under the config dir', () => {
  it('known_hosts: a line the disk cut short is taken back, and the next connection trusts the server as new', async () => {
    const { proc: serve, port } = await workspace.serve(['--tls']);
    const fingerprint = (await serve.waitForOutput(/fingerprint (SHA256:\S+)/))[1]!;
    const config = join(workspace.dir, 'client');
    mkdirSync(config);
    const path = join(config, 'known_hosts');
    // 20 bytes short of 4 KiB: the host's line (~60 bytes) fits only in part.
    const before = `# ${'x'.repeat(4096 - 20 - 3)}\n`;
    writeFileSync(path, before);
    const full = limited(4, ['connect', `127.0.0.1:${port}`, '--name', 'a', ...CONNECT], config);
    expect(await full.exited).toBe(3);
    expect(full.stderr).toBe(`livecomm-tui: cannot use ${path} to check the server's certificate: the disk is full\n`);
    expect(readFileSync(path, 'utf8')).toBe(before);
    // Space freed: no "certificate has CHANGED" from half a fingerprint.
    const again = workspace.track(new CliProcess(['connect', `127.0.0.1:${port}`, '--name', 'b', ...CONNECT], { LIVECOMM_CONFIG_DIR: config }));
    expect(await again.exited).toBe(0);
    expect(again.events().find((e) => e.type === 'trust')).toMatchObject({ trust: 'first-use', fingerprint });
    expect(readFileSync(path, 'utf8')).toBe(`${before}127.0.0.1:${port} ${fingerprint}\n`);
    // A line an older version left cut short: called damaged, with what to do, not a certificate that CHANGED.
    writeFileSync(path, `127.0.0.1:${port} ${fingerprint.slice(0, 14)}\n`);
    const torn = workspace.track(new CliProcess(['connect', `127.0.0.1:${port}`, '--name', 'c', ...CONNECT], { LIVECOMM_CONFIG_DIR: config }));
    expect(await torn.exited).toBe(3);
    expect(torn.stderr).toBe(
      `livecomm-tui: the line for 127.0.0.1:${port} in ${path} is damaged ("${fingerprint.slice(0, 14)}" is not a whole SHA256 fingerprint); ` +
        `delete that line to trust the server anew, or pin it with --fingerprint ${fingerprint} if the host confirms it\n`,
    );
  });

  it('serve --tls: a key the disk could not take is not left behind to block the next start', async () => {
    const config = join(workspace.dir, 'server');
    const full = limited(0, ['serve', '--tls', '--bind', '127.0.0.1', '--port', '0'], config);
    expect(await full.exited).toBe(2);
    expect(full.stderr).toMatch(/^livecomm-tui: cannot save the server's TLS key and certificate in .*: the file is too large/);
    expect(readdirSync(config)).toEqual([]);
    const { proc } = await workspace.serve(['--tls'], { LIVECOMM_CONFIG_DIR: config });
    await proc.waitForOutput(/TLS certificate fingerprint SHA256:/);
    expect(readdirSync(config).sort()).toEqual(['server-cert.pem', 'server-key.pem']);
  });
});

describe('--log-file a named pipe', () => {
  // Opening a FIFO for writing waits for a reader, and openSync held the whole program: a blank screen for ever.
  it('with nothing reading from it: one sentence and exit 2, not a hang', { timeout: 15_000 }, async () => {
    const fifo = join(workspace.dir, 'log.fifo');
    execFileSync('mkfifo', [fifo]);
    const host = workspace.start(['host', '--bind', '127.0.0.1', '--port', '0', '--headless', '--video', 'none', '--audio', 'none', '--log-file', fifo]);
    expect(await host.exited).toBe(2);
    expect(host.stderr).toBe(`livecomm-tui: the log file ${fifo} is a named pipe that nothing reads from: start its reader first (e.g. cat ${fifo})\n`);
  });
});

describe('a config dir the default log cannot go in', () => {
  // A read-only home, or a config dir left owned by root: the log nobody asked for stopped every call at the start.
  it('host: the call goes on without a log and says so; an asked-for --log-file there is still exit 2', async () => {
    const notFolder = join(workspace.dir, 'not-a-folder');
    writeFileSync(notFolder, '');
    const config = join(notFolder, 'livecomm-tui');
    const args = ['host', '--bind', '127.0.0.1', '--port', '0', '--headless', '--video', 'none', '--audio', 'none'];
    const host = workspace.start(args, { LIVECOMM_CONFIG_DIR: config });
    await host.waitForEvent((e) => e.type === 'hosting');
    await host.waitForEvent((e) => e.type === 'notice' &&
      e.message === `cannot write the log file ${join(config, 'livecomm-tui.log')} (${notFolder} is a file, not a folder): logging stops, the call goes on`);
    host.signal('SIGINT');
    expect(await host.exited).toBe(0);
    const asked = workspace.start([...args, '--log-file', join(config, 'mine.log')]);
    expect(await asked.exited).toBe(2);
    expect(asked.stderr).toBe(`livecomm-tui: cannot write the log file ${join(config, 'mine.log')}: ${notFolder} is a file, not a folder\n`);
  });
});

/** Makes `path` unwritable, even for root (chattr +i); returns the undo, or undefined when this machine cannot. */
function makeReadOnly(path: string): (() => void) | undefined {
  chmodSync(path, 0o444);
  const writable = (): boolean => {
    try {
      accessSync(path, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (!writable()) return () => chmodSync(path, 0o644);
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return () => execFileSync('chattr', ['-i', path]);
}

describe('a known_hosts kept read-only (home-manager, chattr +i)', () => {
  it('still vouches for the servers it lists; a new one is refused with the fingerprint to pin', async (ctx) => {
    const { proc: known, port: knownPort } = await workspace.serve(['--tls']);
    const knownFingerprint = (await known.waitForOutput(/fingerprint (SHA256:\S+)/))[1]!;
    // A second identity: another config dir.
    const { proc: other, port: newPort } = await workspace.serve(['--tls'], { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'other-server') });
    const newFingerprint = (await other.waitForOutput(/fingerprint (SHA256:\S+)/))[1]!;
    const config = join(workspace.dir, 'managed');
    mkdirSync(config);
    const path = join(config, 'known_hosts');
    const text = `127.0.0.1:${knownPort} ${knownFingerprint}\n`;
    writeFileSync(path, text);
    const undo = makeReadOnly(path);
    if (!undo) return ctx.skip(); // no way to make a file read-only here (root without chattr)
    try {
      const ok = workspace.track(new CliProcess(['connect', `127.0.0.1:${knownPort}`, '--name', 'a', ...CONNECT], { LIVECOMM_CONFIG_DIR: config }));
      expect(await ok.exited).toBe(0);
      expect(ok.events().find((e) => e.type === 'trust')).toMatchObject({ trust: 'known', fingerprint: knownFingerprint });
      const fresh = workspace.track(new CliProcess(['connect', `127.0.0.1:${newPort}`, '--name', 'b', ...CONNECT], { LIVECOMM_CONFIG_DIR: config }));
      expect(await fresh.exited).toBe(3);
      expect(fresh.stderr).toBe(
        `livecomm-tui: cannot remember 127.0.0.1:${newPort} in ${path} (permission denied): connect with --fingerprint ${newFingerprint} ` +
          `once the host confirms it is theirs, or add the line "127.0.0.1:${newPort} ${newFingerprint}" where that file is kept\n`,
      );
      expect(readFileSync(path, 'utf8')).toBe(text);
    } finally {
      undo();
    }
  });
});
