import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkKnownHostsUsable, decideTrust, knownHostKey, readKnownHosts, rememberHost, type TrustDecision } from '../../src/client/known-hosts.js';
import { formatHostPort } from '../../src/net/address.js';

const FP_A = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
const FP_B = 'SHA256:LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=';

describe('decideTrust', () => {
  const known = new Map([
    ['example.com:7447', FP_A],
    ['[::1]:7447', FP_B],
  ]);

  it('is "new" for an unknown host:port', () => {
    expect(decideTrust(known, 'other.com:7447', FP_A)).toEqual({ type: 'new' });
    // The port is part of the identity.
    expect(decideTrust(known, 'example.com:7448', FP_A)).toEqual({ type: 'new' });
  });

  it('is "known" when the fingerprint matches', () => {
    expect(decideTrust(known, 'example.com:7447', FP_A)).toEqual({ type: 'known' });
    expect(decideTrust(known, formatHostPort('::1', 7447), FP_B)).toEqual({ type: 'known' });
  });

  it('knows an IP address by any spelling of it, so another spelling neither trusts anew nor escapes CHANGED', () => {
    for (const spelling of ['[0:0:0:0:0:0:0:1]:7447', '[::0001]:7447', '[0000::1]:7447']) {
      expect(decideTrust(known, spelling, FP_B)).toEqual({ type: 'known' });
      expect(decideTrust(known, spelling, FP_A)).toEqual({ type: 'changed', expected: FP_B });
    }
    const v4 = new Map([['127.0.0.1:7447', FP_A]]);
    expect(decideTrust(v4, '127.000.000.001:7447', FP_B)).toEqual({ type: 'changed', expected: FP_A });
    expect(decideTrust(v4, '127.1:7447', FP_A)).toEqual({ type: 'known' });
    // inet_aton reads 0127 as octal: the resolver connects to 87.0.0.1, another server.
    expect(decideTrust(v4, '0127.0.0.1:7447', FP_A)).toEqual({ type: 'new' });
  });

  it('is "changed", with the stored fingerprint, when it differs', () => {
    expect(decideTrust(known, 'example.com:7447', FP_B)).toEqual({ type: 'changed', expected: FP_A });
    // Case matters in base64.
    expect(decideTrust(known, 'example.com:7447', FP_A.toLowerCase())).toEqual({ type: 'changed', expected: FP_A });
  });
});

describe('readKnownHosts / rememberHost', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livecomm-known-hosts-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a missing file as empty', async () => {
    expect((await readKnownHosts(join(dir, 'nope', 'known_hosts'))).size).toBe(0);
  });

  it('rethrows errors other than a missing file', async () => {
    await expect(readKnownHosts(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('remembers hosts, creating private directories and file, and reads them back', async () => {
    const path = join(dir, 'config', 'livecomm', 'known_hosts');
    await rememberHost(path, 'example.com:7447', FP_A);
    await rememberHost(path, '[::1]:9000', FP_B);
    expect(await readFile(path, 'utf8')).toBe(`example.com:7447 ${FP_A}\n[::1]:9000 ${FP_B}\n`);
    const known = await readKnownHosts(path);
    expect([...known]).toEqual([
      ['example.com:7447', FP_A],
      ['[::1]:9000', FP_B],
    ]);
    expect(decideTrust(known, 'example.com:7447', FP_A)).toEqual({ type: 'known' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'config', 'livecomm'))).mode & 0o777).toBe(0o700);
  });

  it('stores an IP address in its one spelling, and reads lines written in another as that address', async () => {
    const path = join(dir, 'known_hosts');
    await rememberHost(path, '[0:0:0:0:0:0:0:1]:9000', FP_A);
    expect(await readFile(path, 'utf8')).toBe(`[::1]:9000 ${FP_A}\n`);
    // Lines from older versions, or typed by hand.
    await writeFile(path, `[::0001]:9001 ${FP_B}\n127.000.000.001:9002 ${FP_B}\n`, { flag: 'a' });
    const known = await readKnownHosts(path);
    expect(decideTrust(known, '[::1]:9001', FP_A)).toEqual({ type: 'changed', expected: FP_B });
    expect(decideTrust(known, '127.0.0.1:9002', FP_B)).toEqual({ type: 'known' });
    expect(knownHostKey('[FE80::1%eth0]:7447')).toBe('[fe80::1%eth0]:7447');
    expect(knownHostKey('Example.COM:7447')).toBe('example.com:7447');
  });

  it('takes host names in any case as one host, as ssh does (LOCALHOST is the localhost it trusted)', async () => {
    const path = join(dir, 'known_hosts');
    await rememberHost(path, 'Example.COM:7447', FP_A);
    expect(await readFile(path, 'utf8')).toBe(`example.com:7447 ${FP_A}\n`);
    await writeFile(path, `EXAMPLE.org:7447 ${FP_B}\n`, { flag: 'a' });
    const known = await readKnownHosts(path);
    expect(decideTrust(known, 'EXAMPLE.com:7447', FP_A)).toEqual({ type: 'known' });
    expect(decideTrust(known, 'example.org:7447', FP_A)).toEqual({ type: 'changed', expected: FP_B });
  });

  it('starts a new line after a last line edited by hand without one, so neither entry is spoiled', async () => {
    const path = join(dir, 'known_hosts');
    await writeFile(path, `# mine\nexample.com:7447 ${FP_A}`);
    await rememberHost(path, '[::1]:9000', FP_B);
    expect([...(await readKnownHosts(path))]).toEqual([
      ['example.com:7447', FP_A],
      ['[::1]:9000', FP_B],
    ]);
  });

  it('lets a later line for the same host win (an accepted key change is appended)', async () => {
    const path = join(dir, 'known_hosts');
    await rememberHost(path, 'example.com:7447', FP_A);
    await rememberHost(path, 'example.com:7447', FP_B);
    const known = await readKnownHosts(path);
    expect(known.size).toBe(1);
    expect(decideTrust(known, 'example.com:7447', FP_B)).toEqual({ type: 'known' });
  });

  it('skips comments, blank lines and lines without a fingerprint; tolerates CRLF and extra whitespace', async () => {
    const path = join(dir, 'known_hosts');
    const text = [
      '# livecomm known hosts',
      '',
      '   ',
      `a.example:1 ${FP_A}\r`,
      `\t b.example:2 \t ${FP_B}  `,
      'lonely.example:3',
      `  # indented comment ${FP_A}`,
      `c.example:4 ${FP_A} trailing-junk`,
    ].join('\n');
    await writeFile(path, text);
    const known = await readKnownHosts(path);
    expect(Object.fromEntries(known)).toEqual({ 'a.example:1': FP_A, 'b.example:2': FP_B, 'c.example:4': FP_A });
  });

  // What real machines leave in the file: each stored line, and what a server with FP_C (unpadded, as printed) gets.
  const FP_C = 'SHA256:fP8M5y1QAJ8BCcJGPuB1qN31rXetZcFMjsjCa1YyLic';
  const stored: Array<{ name: string; text: string; decision: TrustDecision }> = [
    { name: 'the printed form', text: `h:1 ${FP_C}\n`, decision: { type: 'known' } },
    { name: 'base64 padding (other tools print it)', text: `h:1 ${FP_C}=\n`, decision: { type: 'known' } },
    { name: 'a lower-case prefix', text: `h:1 sha256:${FP_C.slice(7)}\n`, decision: { type: 'known' } },
    { name: 'a BOM and CRLF (Notepad)', text: `\uFEFFh:1 ${FP_C}\r\n`, decision: { type: 'known' } },
    { name: 'lone CRs between lines (old Mac editors)', text: `x:2 ${FP_B}\rh:1 ${FP_C}\r`, decision: { type: 'known' } },
    { name: 'a line cut short by a full disk', text: `h:1 SHA256:fP8M5y1\n`, decision: { type: 'damaged', stored: 'SHA256:fP8M5y1' } },
    { name: 'a fingerprint with a byte of garbage', text: `h:1 ${FP_C}\x00\n`, decision: { type: 'damaged', stored: `${FP_C}\x00` } },
    { name: 'a whole other fingerprint', text: `h:1 ${FP_B}\n`, decision: { type: 'changed', expected: FP_B } },
  ];
  it.each(stored)('reads $name', async ({ text, decision }) => {
    const path = join(dir, 'known_hosts');
    await writeFile(path, text);
    expect(decideTrust(await readKnownHosts(path), 'h:1', FP_C)).toEqual(decision);
  });
});


describe('checkKnownHostsUsable', () => {
  it('refuses known_hosts as a link to a file that is not there (dotfiles not checked out), before connecting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'livecomm-known-hosts-link-'));
    try {
      const path = join(dir, 'known_hosts');
      await symlink(join(dir, 'dotfiles', 'known_hosts'), path);
      expect(() => checkKnownHostsUsable(path)).toThrow(`${path} is a link to ${join(dir, 'dotfiles', 'known_hosts')}, which is not there`);
      // A missing file in a writable folder is fine: it is made on first use, through a link too.
      expect(() => checkKnownHostsUsable(join(dir, 'other'))).not.toThrow();
      await symlink('kept/known_hosts', join(dir, 'relative'));
      await mkdir(join(dir, 'kept'));
      expect(() => checkKnownHostsUsable(join(dir, 'relative'))).not.toThrow();
      await rememberHost(join(dir, 'relative'), 'h:1', FP_A);
      expect(await readFile(join(dir, 'kept', 'known_hosts'), 'utf8')).toBe(`h:1 ${FP_A}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
