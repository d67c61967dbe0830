/** Usage errors as a terminal receives them: what the user typed is quoted back, never acted on. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.js';

/** Bytes a terminal would act on instead of showing: C0/C1 controls but the final newline, DEL, bidi controls. */
const ACTIVE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('usage errors quote user values with their control characters escaped', () => {
  it('a --name with an escape sequence or a bidi override is refused with exit 2, the sequence shown, not sent', async () => {
    // Port 9 (discard) on loopback: nothing is reached, the name is refused while parsing.
    const red = await runCli(['connect', '127.0.0.1:9', '--headless', '--name', '\x1b[31mred\x1b]0;pwned\x07']);
    expect(red.code).toBe(2);
    expect(red.stderr).not.toMatch(ACTIVE);
    expect(red.stderr).toContain('\\x1b[31mred\\x1b]0;pwned\\x07');
    expect(red.stderr).toContain('the name contains control characters');
    const bidi = await runCli(['connect', '127.0.0.1:9', '--headless', '--name', 'abc\u202etxt.exe']);
    expect(bidi.code).toBe(2);
    expect(bidi.stderr).not.toMatch(ACTIVE);
    expect(bidi.stderr).toContain('abc\\u202etxt.exe');
  });

  it('so do other flags and arguments, refused by commander or by the command', async () => {
    const port = await runCli(['serve', '--port', '\x1b[2J80']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('\\x1b[2J80');
    const target = await runCli(['connect', '\x1b]0;x\x07:99999', '--headless']);
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('\\x1b]0;x\\x07');
    const fingerprint = await runCli(['connect', '127.0.0.1:9', '--headless', '--tls', '--fingerprint', 'SHA256:\u202eab']);
    expect(fingerprint.code).toBe(2);
    expect(fingerprint.stderr).toContain('SHA256:\\u202eab');
    for (const { stderr } of [port, target, fingerprint]) expect(stderr).not.toMatch(ACTIVE);
  });
});

describe('a --bind the system cannot use is a usage error (exit 2), not an internal one', () => {
  it('a name getaddrinfo refuses (EINVAL) and a zone that names no interface (listen EINVAL) are one sentence and exit 2', async () => {
    // 300 characters: longer than any host name, getaddrinfo answers EINVAL rather than "not found".
    const long = await runCli(['serve', '--port', '0', '--bind', 'x'.repeat(300)]);
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/^livecomm-tui: --bind x+ is not an address or a host name this machine knows\n$/);
    const zone = await runCli(['serve', '--port', '0', '--bind', 'fe80::1%nosuchif0']);
    expect(zone.code).toBe(2);
    expect(zone.stderr).toBe('livecomm-tui: --bind fe80::1%nosuchif0: this machine has no network interface nosuchif0 (ip addr lists them)\n');
  });
});

describe('help for a command that does not exist', () => {
  it('is one sentence and exit 2, as the unknown command alone is, not the whole help on stderr', async () => {
    const typo = await runCli(['help', 'srve']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("livecomm-tui: unknown command 'srve' (did you mean serve?); --help lists the commands and flags\n");
    const known = await runCli(['help', 'serve']);
    expect(known.code).toBe(0);
    expect(known.stdout).toContain('Usage: livecomm-tui serve');
  });
});

describe('--debug and no command', () => {
  it('shows the help on stdout and exits 0, as no arguments at all do', async () => {
    const debug = await runCli(['--debug']);
    expect(debug.code).toBe(0);
    expect(debug.stderr).toBe('');
    expect(debug.stdout).toContain('Usage: livecomm-tui [options] [command]');
  });
});
