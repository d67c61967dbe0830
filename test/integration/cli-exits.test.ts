// The CLI's answers to what goes wrong, as real processes: bad flags and targets, ports that are not ours, wrong
// passwords and fingerprints, held names; each one sentence and its exit code (README "Exit codes"), and --help.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateTlsIdentity } from '../../src/net/tls-identity.js';
import { BIN, CliProcess, runCli, useCliWorkspace } from '../helpers/cli-process.js';
import { freePort } from '../helpers/ports.js';
import { until } from '../helpers/wait.js';

const workspace = useCliWorkspace('lc-cli-');

const start = workspace.start;

const { serve, joinHeadless } = workspace;

/** A headless participant without camera or microphone, connecting to the server on `port` (not waited for). */
function quiet(port: number, name: string): CliProcess {
  return start(['connect', `127.0.0.1:${port}`, '--name', name, '--headless', '--video', 'none', '--audio', 'none']);
}

describe('exit codes and messages', () => {
  it('exits 2 with one line for a bad flag or target', async () => {
    const badPort = await runCli(['serve', '--port', 'seventy']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/port/);
    const badTarget = await runCli(['connect', 'a b', '--headless']);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr.trim().split('\n')).toHaveLength(1);
    for (const [target, port] of [['127.0.0.1:99999', '99999'], ['example.org:http', 'http'], ['[::1]:0', '0']]) {
      const badTargetPort = await runCli(['connect', target!, '--headless']);
      expect(badTargetPort.code).toBe(2);
      expect(badTargetPort.stderr.trim()).toBe(`livecomm-tui: "${target}": the port must be a number from 1 to 65535, not "${port}"`);
    }
    const noHost = await runCli(['connect', ':17503', '--headless']);
    expect(noHost.stderr.trim()).toBe('livecomm-tui: ":17503" has no host: give HOST or HOST:PORT');
    // An empty path (a variable that did not expand) must not quietly mean "no recording".
    const emptyRecord = await runCli(['connect', '127.0.0.1', '--headless', '--record', '']);
    expect(emptyRecord.code).toBe(2);
    expect(emptyRecord.stderr).toMatch(/--record.*needs a path, not an empty string/);
    const badBitrate = await runCli(['connect', '127.0.0.1', '--headless', '--video-bitrate', '5']);
    expect(badBitrate.code).toBe(2);
    expect(badBitrate.stderr).toMatch(/--video-bitrate.*32 to 10000/);
    // Past Node's longest timer it would fire at once: the participant would leave as it joined.
    const longDuration = await runCli(['connect', '127.0.0.1', '--headless', '--duration', '3000000']);
    expect(longDuration.code).toBe(2);
    expect(longDuration.stderr).toMatch(/--duration.*at most 2147483 \(24 days\)/);
    const headlessPtt = await runCli(['connect', '127.0.0.1', '--headless', '--transmit', 'ptt']);
    expect(headlessPtt.code).toBe(2);
    expect(headlessPtt.stderr.trim()).toBe('livecomm-tui: --transmit ptt needs the call screen: with --headless there is no key to hold (use voice or continuous)');
    // Headless logs nothing: a log file asked for would never be made (it was accepted and ignored, exit 0).
    const headlessLog = await runCli(['connect', '127.0.0.1', '--headless', '--log-file', join(workspace.dir, 'h.log')]);
    expect(headlessLog.code).toBe(2);
    expect(headlessLog.stderr.trim()).toBe('livecomm-tui: --log-file is for the call screen: with --headless, notices and errors go to stderr');
    const badVideo = await runCli(['connect', '127.0.0.1', '--headless', '--video', 'telepathy']);
    expect(badVideo.code).toBe(2);
    expect(badVideo.stderr).toMatch(/--video/);
    const missingPasswordFile = await runCli(['serve', '--password-file', join(workspace.dir, 'nope')]);
    expect(missingPasswordFile.code).toBe(2);
    expect(missingPasswordFile.stderr).toMatch(/cannot read the password file .*nope: no such file or folder/);
    const badBind = await runCli(['serve', '--bind', 'nonsense.invalid', '--port', '0']);
    expect(badBind.code).toBe(2);
    expect(badBind.stderr.trim()).toBe('livecomm-tui: --bind nonsense.invalid is not an address or a host name this machine knows');
  });

  it('exits 2 at once when --record cannot be used: under /proc (where Node\'s own mkdir never returns) or a file', async () => {
    const file = join(workspace.dir, 'a-file');
    await writeFile(file, 'x');
    for (const [dir, why] of [['/proc/livecomm-nope', 'cannot create /proc/livecomm-nope: no such file or folder'], [file, `${file} is a file, not a folder`]]) {
      const result = await runCli(['connect', '127.0.0.1:9', '--headless', '--video', 'none', '--audio', 'none', '--record', dir!], {}, 10_000);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(`livecomm-tui: cannot record into ${dir}: ${why}`);
    }
  });

  it('exits 2 at once when the config dir or log file cannot be made, /proc included', async () => {
    const tls = await runCli(['serve', '--tls', '--config-dir', '/proc/livecomm-nope', '--port', '0'], {}, 10_000);
    expect(tls.code).toBe(2);
    expect(tls.stderr.trim()).toBe("livecomm-tui: cannot save the server's TLS key and certificate in /proc/livecomm-nope: cannot create /proc/livecomm-nope: no such file or folder");
    const log = await runCli(['host', '--headless', '--log-file', '/proc/livecomm-nope/x.log', '--port', '0', '--video', 'none', '--audio', 'none'], {}, 10_000);
    expect(log.code).toBe(2);
    expect(log.stderr.trim()).toBe('livecomm-tui: cannot write the log file /proc/livecomm-nope/x.log: cannot create /proc/livecomm-nope: no such file or folder');
    // connect --tls keeps known_hosts there: checked before anything starts, not retried as a network failure.
    const aFile = join(workspace.dir, 'not-a-folder');
    await writeFile(aFile, 'x');
    const tlsInFile = await runCli(['serve', '--tls', '--config-dir', aFile, '--port', '0'], {}, 10_000);
    expect(tlsInFile.code).toBe(2);
    expect(tlsInFile.stderr.trim()).toBe(`livecomm-tui: ${aFile} is a file, not a folder`);
    const knownHosts = await runCli(['connect', '127.0.0.1:1', '--tls', '--headless', '--video', 'none', '--audio', 'none', '--config-dir', aFile], {}, 10_000);
    expect(knownHosts.code).toBe(2);
    expect(knownHosts.stderr.trim()).toBe(
      `livecomm-tui: --tls remembers servers in ${aFile}/known_hosts, which cannot be used: ${aFile} is a file, not a folder (choose another --config-dir, or pin the server with --fingerprint)`,
    );
  });

  it('refuses a --cert and --key that are not one pair with exit 2 before listening', async () => {
    await loadOrCreateTlsIdentity(join(workspace.dir, 'pair-a'));
    await loadOrCreateTlsIdentity(join(workspace.dir, 'pair-b'));
    const cert = join(workspace.dir, 'pair-a', 'server-cert.pem');
    const key = join(workspace.dir, 'pair-b', 'server-key.pem');
    const result = await runCli(['serve', '--tls', '--cert', cert, '--key', key, '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`livecomm-tui: the key in ${key} does not belong to the certificate in ${cert}`);
  });

  it('exits 4 after retries when nothing listens', async () => {
    const port = await freePort();
    const result = await runCli(['connect', `127.0.0.1:${port}`, '--headless', '--video', 'none', '--audio', 'none']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/nothing is listening at 127\.0\.0\.1:\d+.*gave up after 3 attempts/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toContain('"type":"error"');
    // Chat piped in for a call that never began is said to be unsent for that reason, not "the call ended first".
    const piped = start(['connect', `127.0.0.1:${port}`, '--headless', '--video', 'none', '--audio', 'none']);
    piped.write('hi\nanyone there?\n');
    expect(await piped.exited).toBe(4);
    expect(piped.events().filter((e) => e.type === 'notice').map((e) => e.message)).toEqual(['2 chat messages not sent: the call was never joined']);
  });

  it('counts unsent chat in messages, long lines still waiting to be read in too', async () => {
    const port = await freePort();
    const piped = start(['connect', `127.0.0.1:${port}`, '--headless', '--video', 'none', '--audio', 'none']);
    // 40,000 characters: 20 messages, which fill what goes ahead into the outbox; the next line (5 messages) waits
    // behind them unsplit. It was counted as one message.
    const words = (n: number): string => 'word '.repeat(n);
    piped.write(`${words(8000)}\n${words(2000)}\n`);
    expect(await piped.exited).toBe(4);
    expect(piped.events().filter((e) => e.type === 'notice').map((e) => e.message)).toEqual(['25 chat messages not sent: the call was never joined']);
  });

  it('sends a piped line longer than the outbox holds whole, a part at a time', async () => {
    const port = await freePort();
    const piped = start(['connect', `127.0.0.1:${port}`, '--headless', '--video', 'none', '--audio', 'none']);
    // 19 lines waiting, then 180,000 characters: 91 messages, more than the outbox's 100 less those 19. Its last
    // 10 were refused ("send the rest later"), with nobody at the keyboard to.
    const lines = Array.from({ length: 19 }, (_, i) => `line ${i}\n`).join('');
    piped.write(`${lines}${'ab '.repeat(60_000)}\n`);
    expect(await piped.exited).toBe(4);
    expect(piped.events().filter((e) => e.type === 'notice').map((e) => e.message)).toEqual(['110 chat messages not sent: the call was never joined']);
  });

  it('says a port that answers with something else (a web server) is not a livecomm-tui server, and does not try again', async () => {
    let connections = 0;
    const web = net.createServer((socket) => {
      connections++;
      socket.on('error', () => {});
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = web.address() as net.AddressInfo;
      const result = await runCli(['connect', `127.0.0.1:${port}`, '--headless', '--video', 'none', '--audio', 'none']);
      expect(result.code).toBe(4);
      expect(result.stderr).toBe(`livecomm-tui: 127.0.0.1:${port} did not answer as a livecomm-tui server (another service on that port?)\n`);
      expect(connections).toBe(1);
    } finally {
      web.close();
    }
  });

  it('gives up at once on a host name that does not exist; after its attempts on TLS on one side only, saying which', async () => {
    const quietFlags = ['--headless', '--video', 'none', '--audio', 'none'];
    const unknown = await runCli(['connect', 'nosuch.invalid', ...quietFlags]);
    expect(unknown.code).toBe(4);
    // .invalid never resolves (RFC 6761); a machine without a reachable name server cannot even say that, and retries.
    if (!unknown.stderr.includes('the name server did not answer')) {
      expect(unknown.stderr).toBe('livecomm-tui: cannot resolve the host name in nosuch.invalid:7447: no such name (is it spelled right?)\n');
      expect(unknown.stdout).not.toContain('"status"');
    }
    const { port: tlsPort } = await serve(['--tls']);
    const plainToTls = await runCli(['connect', `127.0.0.1:${tlsPort}`, ...quietFlags]);
    expect(plainToTls.code).toBe(4);
    expect(plainToTls.stderr).toBe(
      `livecomm-tui: 127.0.0.1:${tlsPort} closed the connection during the handshake without a word: the server probably runs with --tls (connect with --tls too); gave up after 3 attempts\n`,
    );
    // Tried again: a server starting behind a proxy hangs up on a HELLO the same way.
    expect(plainToTls.stdout.match(/"status":"connecting".*"retryInMs"/g)).toHaveLength(2);
    const { port: plainPort } = await serve();
    const tlsToPlain = await runCli(['connect', `127.0.0.1:${plainPort}`, '--tls', ...quietFlags]);
    expect(tlsToPlain.code).toBe(4);
    expect(tlsToPlain.stderr).toBe(`livecomm-tui: 127.0.0.1:${plainPort} closed the connection during the TLS handshake: the server is probably running without --tls; gave up after 3 attempts\n`);
  });

  it('says a port that accepts and answers nothing (a web server waiting for its request) is probably not a livecomm-tui server', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => {
      socket.on('error', () => {});
      held.push(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const startedAt = Date.now();
      const result = await runCli(['connect', `127.0.0.1:${port}`, '--headless', '--video', 'none', '--audio', 'none'], {}, 30_000);
      expect(result.code).toBe(4);
      // Three attempts of 5 s, not of 15.
      expect(Date.now() - startedAt).toBeLessThan(25_000);
      expect(result.stderr.trim()).toBe(
        `livecomm-tui: 127.0.0.1:${port} accepted the connection but answered nothing within 5 s: is a livecomm-tui server listening there? ` +
          'another program may hold the port, or the server may need --tls; gave up after 3 attempts',
      );
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  }, 40_000);

  it('joins under your name when the session holding it is your own frozen one: waits for the server to let it go', async () => {
    const { proc: server, port } = await serve();
    const frozen = await joinHeadless(port, 'dave');
    frozen.signal('SIGSTOP');
    // Past a ping interval (5 s) and the grace (2 s): the server takes the holder for gone quiet.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const again = quiet(port, 'dave');
    const waiting = await again.waitForEvent((e) => e.type === 'status' && e.status === 'connecting', 5_000);
    expect(String(waiting.detail)).toMatch(/^the name is held by a connection the server has not heard from lately \(yours, if your link just dropped\): waiting [5-9] s for it to be let go$/);
    // The server drops the frozen one 15 s after it went silent, and the second attempt joins.
    await again.waitForEvent((e) => e.type === 'joined', 12_000);
    frozen.kill();
    again.signal('SIGINT');
    expect(await again.exited).toBe(0);
    server.signal('SIGINT');
  }, 40_000);

  it('exits 3 on a wrong password, and joins with the right one from a file or the environment', async () => {
    const passwordFile = join(workspace.dir, 'pw');
    await writeFile(passwordFile, 'sesame\n');
    const { proc: server, port } = await serve(['--password-file', passwordFile]);
    // The join line runs as it is when copied whole (no FILE to fill in): the call screen asks for the password.
    const joinLine = (await server.waitForOutput(/join with: (.*)\n/))[1]!;
    expect(joinLine).toBe(`livecomm-tui connect ${joinLine.split(' ')[2]}`);
    await server.waitForOutput(/the room has a password: the call screen asks for it \(headless: --password-file FILE or LIVECOMM_PASSWORD\)/);
    const wrong = await runCli(['connect', `127.0.0.1:${port}`, '--headless', '--video', 'none', '--audio', 'none'], { LIVECOMM_PASSWORD: 'open-barley' });
    expect(wrong.code).toBe(3);
    // Where the refused password came from is named: a variable left over from another call is easy to forget.
    expect(wrong.stderr.trim()).toBe('livecomm-tui: the server refused the password from LIVECOMM_PASSWORD');
    const wrongFile = join(workspace.dir, 'wrong-pw');
    await writeFile(wrongFile, 'barley\n');
    const wrongFromFile = await runCli(['connect', `127.0.0.1:${port}`, '--headless', '--video', 'none', '--audio', 'none', '--password-file', wrongFile]);
    expect(wrongFromFile.code).toBe(3);
    expect(wrongFromFile.stderr.trim()).toBe(`livecomm-tui: the server refused the password from --password-file ${wrongFile}`);
    const right = await runCli(['connect', `127.0.0.1:${port}`, '--headless', '--video', 'none', '--audio', 'none', '--password-file', passwordFile, '--duration', '0.5']);
    expect(right.code).toBe(0);
    const viaEnv = await runCli(['connect', `127.0.0.1:${port}`, '--headless', '--video', 'none', '--audio', 'none', '--duration', '0.5'], { LIVECOMM_PASSWORD: 'sesame' });
    expect(viaEnv.code).toBe(0);
    // Two people with one login name (or host and connect on one machine): told how to get in.
    const first = await joinHeadless(port, 'same', { extra: ['--password-file', passwordFile] });
    const second = await runCli(['connect', `127.0.0.1:${port}`, '--headless', '--name', 'same', '--video', 'none', '--audio', 'none'], { LIVECOMM_PASSWORD: 'sesame' });
    expect(second.code).toBe(3);
    expect(second.stderr.trim()).toBe(
      'livecomm-tui: the server said: the name "same" is already taken in room "main" — if that was you on a link that just dropped, the server lets it go within 15 s; or choose another with --name (name-taken)',
    );
    first.signal('SIGINT');
    server.signal('SIGINT');
    expect(await server.exited).toBe(0);
  });

  it('hosts with the password read from a pipe (read once: a pipe gives its text only once), lets the right one in, and keeps its config dir private', async () => {
    const port = await freePort();
    // `host --password-file <(echo sesame)`: the shell's pipe, as a user keeps a password off disk and out of ps.
    const script = `exec ${[process.execPath, BIN, 'host', '--headless', '--port', String(port), '--bind', '127.0.0.1', '--video', 'none', '--audio', 'none', '--duration', '4'].join(' ')} --password-file <(echo sesame)`;
    const configDir = join(workspace.dir, 'pipe-host-config');
    const host = spawn('bash', ['-c', script], { env: { ...process.env, LIVECOMM_CONFIG_DIR: configDir } });
    let out = '';
    host.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    host.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => host.on('exit', resolve));
    await until(() => out.includes('"type":"joined"'), 'the host to join its own call', 10_000).catch(() => {
      throw new Error(`host did not join: ${out}`);
    });
    const guest = await runCli(['connect', `127.0.0.1:${port}`, '--name', 'guest', '--headless', '--video', 'none', '--audio', 'none', '--duration', '0.5'], { LIVECOMM_PASSWORD: 'sesame' });
    expect(guest.code).toBe(0);
    expect(await exited).toBe(0);
    // The config dir the host made first (for its log) is private, as the TLS key and known_hosts there need.
    expect(statSync(configDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(configDir, 'livecomm-tui.log')).mode & 0o777).toBe(0o600);
  });

  it('serves TLS with a printed fingerprint that clients pin (--fingerprint alone means TLS), and refuses a wrong --fingerprint with exit 3', async () => {
    const { proc: server, port } = await serve(['--tls']);
    const fingerprint = (await server.waitForOutput(/fingerprint (SHA256:\S+)/))[1]!;
    await server.waitForOutput(new RegExp(`join with: livecomm-tui connect \\S+ --tls --fingerprint ${fingerprint.replace(/[+/]/g, '\\$&')}`));
    const ok = await runCli(['connect', `127.0.0.1:${port}`, '--tls', '--fingerprint', fingerprint, '--headless', '--video', 'none', '--audio', 'none', '--duration', '0.5']);
    expect(ok.code).toBe(0);
    const wrong = await runCli(['connect', `127.0.0.1:${port}`, '--tls', '--fingerprint', `SHA256:${'A'.repeat(43)}`, '--headless', '--video', 'none', '--audio', 'none']);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain(fingerprint);
    // A fingerprint that cannot be one (a typo, cut short) is a usage error, said before connecting.
    const typo = await runCli(['connect', `127.0.0.1:${port}`, '--tls', '--fingerprint', 'SHA256:AAAA', '--headless', '--video', 'none', '--audio', 'none']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--fingerprint must look like the one the server prints/);
    // Pinning a fingerprint means TLS without --tls, and the prefix's case, its absence and base64 padding are forgiven.
    for (const given of [fingerprint, `sha256:${fingerprint.slice(7)}=`, fingerprint.slice(7)]) {
      const pinned = await runCli(['connect', `127.0.0.1:${port}`, '--fingerprint', given, '--headless', '--video', 'none', '--audio', 'none', '--duration', '0.5']);
      expect({ given, code: pinned.code, stderr: pinned.stderr }).toEqual({ given, code: 0, stderr: '' });
    }
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it("lists every flag of the README's table in the --help of each command the table names", async () => {
    const commands = ['serve', 'host', 'connect', 'demo', 'preview', 'devices'];
    const helps = new Map<string, string>();
    for (const command of commands) helps.set(command, (await runCli([command, '--help'])).stdout);
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `--'));
    expect(rows.length).toBeGreaterThan(25);
    const missing: string[] = [];
    for (const row of rows) {
      const [flagCell, commandCell] = row.split(' | ');
      const flags = [...flagCell!.matchAll(/--[a-z-]+/g)].map((m) => m[0]);
      const named = commandCell!.trim() === 'all' ? commands : commandCell!.split(',').map((c) => c.trim());
      for (const command of named) {
        for (const flag of flags) if (!new RegExp(`${flag}\\b`).test(helps.get(command) ?? '')) missing.push(`${command} ${flag}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents every flag in --help', async () => {
    const help = await runCli(['connect', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--name', '--room', '--tls', '--fingerprint', '--password-file', '--video', '--audio', '--speaker', '--echo-cancellation', '--echo-suppression', '--color', '--symbols', '--headless', '--duration', '--record', '--config-dir']) {
      expect(help.stdout).toContain(flag);
    }
    const bad = await runCli(['connect', '127.0.0.1', '--echo-suppression', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--echo-suppression.*must be "on" or "off"/);
    const badCancellation = await runCli(['connect', '127.0.0.1', '--echo-cancellation', 'yes']);
    expect(badCancellation.code).toBe(2);
    expect(badCancellation.stderr).toMatch(/--echo-cancellation.*must be "on" or "off"/);
    const badSymbols = await runCli(['connect', '127.0.0.1', '--symbols', 'braille']);
    expect(badSymbols.code).toBe(2);
    expect(badSymbols.stderr).toBe("livecomm-tui: option '--symbols <set>' argument 'braille' is invalid: allowed choices are half, quadrant, sextant; --help lists the commands and flags\n");
    // commander's own errors too are one line, with its suggestion.
    const typo = await runCli(['connect', '127.0.0.1', '--colour', '256']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("livecomm-tui: unknown option '--colour' (did you mean --color?); --help lists the commands and flags\n");
    const extra = await runCli(['serve', 'extra']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toBe("livecomm-tui: too many arguments for 'serve': it takes 0 arguments, not 1; --help lists the commands and flags\n");
    // demo's call has no password: no --password-file to be silently ignored.
    const demoPassword = await runCli(['demo', '--password-file', 'pw']);
    expect(demoPassword.code).toBe(2);
    expect(demoPassword.stderr).toMatch(/unknown option '--password-file'/);
    // No command at all: the help, on stdout, as asked for.
    const bare = await runCli([]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(/^Usage: livecomm-tui/);
    expect(bare.stderr).toBe('');
  });
});
