import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/cli/common.js';
import { parseBindAddress, parseMaxParticipants } from '../../src/cli/flags.js';

describe('parseTarget: HOST[:PORT] as typed after connect', () => {
  it('an IPv6 address with a port but no brackets is told to use brackets, not that it has no host', () => {
    expect(() => parseTarget('::1:42200')).toThrow('"::1:42200": an IPv6 address with a port goes in brackets, e.g. [::1]:42200');
    expect(() => parseTarget('fe80::1:99999')).toThrow('e.g. [fe80::1]:99999');
  });

  it('asks for brackets when an unbracketed IPv6 address could end in a port', () => {
    expect(() => parseTarget('fe80::1:7447')).toThrow('"fe80::1:7447" could be the address fe80::1:7447 or fe80::1 with port 7447: write [fe80::1:7447] or [fe80::1]:7447');
    expect(() => parseTarget('::1:7447')).toThrow('write [::1:7447] or [::1]:7447');
    expect(parseTarget('2001:db8::1').host).toBe('2001:db8::1');
    expect(parseTarget('[fe80::1]:7447')).toEqual({ host: 'fe80::1', port: 7447 });
  });

  it('still takes bracketed and bare IPv6 addresses, and says when a host is missing', () => {
    expect(parseTarget('[::1]:42200')).toEqual({ host: '::1', port: 42200 });
    expect(parseTarget('::1').host).toBe('::1');
    expect(() => parseTarget(':7447')).toThrow('has no host');
  });
});

describe('parseBindAddress: --bind', () => {
  it('takes an IPv6 address in brackets, as the server prints it, and refuses an empty one', () => {
    expect(parseBindAddress('[::1]')).toBe('::1');
    expect(parseBindAddress('::1')).toBe('::1');
    expect(parseBindAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(() => parseBindAddress('[]')).toThrow('needs an address');
  });
});

describe('parseMaxParticipants: --max-participants', () => {
  it('goes up to what a WELCOME may list, no further (clients refuse a longer member list)', () => {
    expect(parseMaxParticipants('1024')).toBe(1024);
    expect(() => parseMaxParticipants('1025')).toThrow('must be at most 1024.');
    expect(() => parseMaxParticipants('0')).toThrow('at least 1');
  });
});
