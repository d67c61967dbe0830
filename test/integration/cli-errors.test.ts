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
