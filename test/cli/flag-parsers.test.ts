import { describe, expect, it } from 'vitest';
import { parsePort, parsePositiveInt, parseSeconds, parseTarget } from '../../src/cli/common.js';
import { parseBindAddress, parseMaxParticipants } from '../../src/cli/flags.js';
import { UsageError } from '../../src/cli/exit-codes.js';

describe('parseTarget: HOST[:PORT] as typed after connect', () => {
  it('an IPv6 address with a port but no brackets is told to use brackets, not that it has no host', () => {
    expect(() => parseTarget('::1:42200')).toThrow('"::1:42200": an IPv6 address with a port goes in brackets, e.g. [::1]:42200');
    expect(() => parseTarget('fe80::1:99999')).toThrow('e.g. [fe80::1]:99999');
  });

  it('asks for brackets when an unbracketed IPv6 address could end in a port', () => {
    expect(() => parseTarget('fe80::1:7447')).toThrow('"fe80::1:7447" could be the address fe80::1:7447 or fe80::1 with port 7447: write [fe80::1:7447] or [fe80::1]:7447');
    expect(() => parseTarget('::1:7447')).toThrow('write [::1:7447] or [::1]:7447');
    expect(parseTarget('2001:db8::1').host).toBe('2001:db8::1');
    expect(parseTarget('[fe80::1%eth0]:7447')).toEqual({ host: 'fe80::1%eth0', port: 7447 });
  });

  it('still takes bracketed and bare IPv6 addresses, and says when a host is missing', () => {
    expect(parseTarget('[::1]:42200')).toEqual({ host: '::1', port: 42200 });
    expect(parseTarget('::1').host).toBe('::1');
    expect(() => parseTarget(':7447')).toThrow('has no host');
  });

  it('says what to type for forms pasted from elsewhere: a URL, user@host, a stray space, a trailing colon', () => {
    expect(() => parseTarget('tcp://example.org:7447/')).toThrow('"tcp://example.org:7447/" is a URL: connect takes HOST or HOST:PORT, e.g. example.org:7447');
    expect(() => parseTarget('livecomm://[::1]:7447')).toThrow('e.g. [::1]:7447');
    expect(() => parseTarget('ada@example.org')).toThrow('connect takes no user name (your name in the call is --name): connect example.org --name ada');
    expect(() => parseTarget('127.0.0.1 :47310')).toThrow('"127.0.0.1 :47310" has a space in it: write 127.0.0.1:47310');
    expect(() => parseTarget('example.org:')).toThrow('"example.org:" ends in a colon: give the port after it, or leave it out for 7447');
    expect(parseTarget(' example.org:7447 ')).toEqual({ host: 'example.org', port: 7447 });
  });

  it('asks for the interface of a link-local IPv6 address (without it the kernel refuses the connection)', () => {
    expect(() => parseTarget('[fe80::fc:ff:fe00:1]:47310')).toThrow('"[fe80::fc:ff:fe00:1]:47310" is a link-local address, which needs the interface it is on: [fe80::fc:ff:fe00:1%eth0]:47310');
    expect(() => parseTarget('FE80::1')).toThrow('link-local');
    expect(parseTarget('[fe80::1%wlan0]')).toEqual({ host: 'fe80::1%wlan0', port: 7447 });
    expect(parseTarget('fec0::1').host).toBe('fec0::1');
  });

  it('refuses a zone anywhere but after an IPv6 address (no resolver takes it: three lookups ended exit 4)', () => {
    expect(() => parseTarget('[::1%]:5')).toThrow('"[::1%]:5": a zone (%eth0) goes only after an IPv6 address, e.g. [fe80::1%eth0]:5');
    expect(() => parseTarget('[%eth0]:5')).toThrow('a zone (%eth0) goes only after an IPv6 address');
    expect(() => parseTarget('example.org%eth0')).toThrow('a zone (%eth0) goes only after an IPv6 address');
    expect(parseTarget('[::1%lo]:5')).toEqual({ host: '::1%lo', port: 5 });
  });
});

describe('parseTarget: names no resolver takes', () => {
  it('refuses a host name longer than DNS carries, or with an invisible character, as usage (not three failed lookups, exit 4)', () => {
    const long = 'a'.repeat(300);
    expect(() => parseTarget(long)).toThrow(`"${'a'.repeat(40)}…" is too long for a host name (300 characters, at most 253)`);
    expect(() => parseTarget(`${long}:7447`)).toThrow(UsageError);
    expect(parseTarget('a'.repeat(253)).host).toBe('a'.repeat(253));
    expect(() => parseTarget('exa\u202emple.com')).toThrow('"exa\u202emple.com" has an invisible or control character (U+202E) in its host name: type the name again');
    expect(() => parseTarget('exa\x01mple:7447')).toThrow('(U+0001)');
    expect(parseTarget('bücher.example').host).toBe('bücher.example');
    expect(parseTarget('[fe80::1%eth0]:7447').host).toBe('fe80::1%eth0');
  });
});

describe('parseBindAddress: --bind', () => {
  it('takes an IPv6 address in brackets, as the server prints it, and refuses an empty one', () => {
    expect(parseBindAddress('[::1]')).toBe('::1');
    expect(parseBindAddress('::1')).toBe('::1');
    expect(parseBindAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(() => parseBindAddress('[]')).toThrow('needs an address');
    expect(() => parseBindAddress('127.0.0.1:47330')).toThrow('takes the address alone (127.0.0.1): the port goes in --port.');
    expect(() => parseBindAddress('[::1]:7447')).toThrow('takes the address alone (::1)');
    expect(() => parseBindAddress('fe80::fc:ff:fe00:1')).toThrow('fe80::fc:ff:fe00:1 is link-local: it needs the interface it is on, e.g. fe80::fc:ff:fe00:1%eth0.');
    expect(parseBindAddress('fe80::1%eth0')).toBe('fe80::1%eth0');
  });
});

describe('parseMaxParticipants: --max-participants', () => {
  it('goes up to what a WELCOME may list, no further (clients refuse a longer member list)', () => {
    expect(parseMaxParticipants('1024')).toBe(1024);
    expect(() => parseMaxParticipants('1025')).toThrow('must be at most 1024.');
    expect(() => parseMaxParticipants('0')).toThrow('at least 1');
  });
});

describe('--speaker', () => {
  it('refuses an empty value (a variable that did not expand) instead of quietly playing on the default speaker', async () => {
    const { buildProgram } = await import('../../src/cli/index.js');
    const { CommanderError } = await import('commander');
    for (const command of [['connect', '127.0.0.1'], ['host'], ['demo']]) {
      const program = buildProgram(() => {});
      program.configureOutput({ writeErr: () => {}, outputError: () => {} });
      for (const sub of program.commands) sub.configureOutput({ writeErr: () => {}, outputError: () => {} });
      const parsing = program.parseAsync(['node', 'livecomm-tui', ...command, '--speaker', ' '], { from: 'node' });
      await expect(parsing).rejects.toThrow(CommanderError);
      await expect(parsing).rejects.toThrow('needs a speaker (its PortAudio id or name, or "default"), or "none".');
    }
  });
});

describe('numeric flags', () => {
  it('--port and the whole-number flags forgive spaces around the number, as --duration and --video-bitrate do', () => {
    expect(parsePort(' 47200 ')).toBe(47200);
    expect(parsePositiveInt('3 ')).toBe(3);
    expect(parseSeconds(' 10 ')).toBe(10);
  });

  it('--port and the whole-number flags take decimal digits only, within their range', () => {
    for (const text of ['99999999999999999999', '1e3', '0x50', '-0', '80abc', '', ' ', '65536']) {
      expect(() => parsePort(text)).toThrow('must be a port number from 0 to 65535.');
    }
    expect(parsePort('00080')).toBe(80);
    for (const text of ['2e10', '1.5', '-0', '0', '0x10', '']) expect(() => parsePositiveInt(text)).toThrow('must be a whole number of at least 1.');
  });

  it('--duration takes decimal seconds only, and none a timer cannot hold (past 2^31-1 ms Node fires it at once)', () => {
    expect(parseSeconds('1e3')).toBe(1000);
    expect(parseSeconds('0.5')).toBe(0.5);
    expect(parseSeconds('2147483')).toBe(2147483);
    for (const text of ['0x10', '0b10', '0o10', '10s', '1e309', '1e400', '2147484', 'Infinity', '-0', '0', '1e-400', '', 'NaN']) {
      expect(() => parseSeconds(text), text).toThrow('must be a number of seconds above 0 and at most 2147483 (24 days).');
    }
  });
});
