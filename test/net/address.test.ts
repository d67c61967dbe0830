import { describe, expect, it } from 'vitest';
import { canonicalHost, formatHostPort, limitKeyOf, parseHostPort } from '../../src/net/address.js';
import { DEFAULT_PORT } from '../../src/protocol/constants.js';

describe('parseHostPort', () => {
  it.each([
    ['example.com', { host: 'example.com', port: DEFAULT_PORT }],
    ['example.com:8080', { host: 'example.com', port: 8080 }],
    ['127.0.0.1:1', { host: '127.0.0.1', port: 1 }],
    ['127.0.0.1:65535', { host: '127.0.0.1', port: 65535 }],
    ['  host:99  ', { host: 'host', port: 99 }],
    ['[::1]', { host: '::1', port: DEFAULT_PORT }],
    ['[::1]:9000', { host: '::1', port: 9000 }],
    ['[fe80::1%eth0]:7447', { host: 'fe80::1%eth0', port: 7447 }],
    ['::1', { host: '::1', port: DEFAULT_PORT }],
    ['2001:db8::42', { host: '2001:db8::42', port: DEFAULT_PORT }],
    ['host:0080', { host: 'host', port: 80 }],
  ])('parses %j', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  it('uses the given default port', () => {
    expect(parseHostPort('host', 1234)).toEqual({ host: 'host', port: 1234 });
    expect(parseHostPort('[::1]', 1234)).toEqual({ host: '::1', port: 1234 });
    expect(parseHostPort('host:5', 1234)).toEqual({ host: 'host', port: 5 });
  });

  it.each([
    '',
    '   ',
    ':8080',
    'host:',
    'host:0',
    'host:65536',
    'host:99999999999999999999',
    'host:-1',
    'host:80a',
    'host:+80',
    'host: 80',
    'ho st:80',
    'ho\tst',
    '[]:80',
    '[::1]:',
    '[::1]:x',
    '[::1]80',
    '[::1',
    '[[::1]]:80',
    ']::1[',
  ])('refuses %j', (text) => {
    expect(parseHostPort(text)).toBeUndefined();
  });
});

describe('formatHostPort', () => {
  it('brackets IPv6 literals only', () => {
    expect(formatHostPort('example.com', 7447)).toBe('example.com:7447');
    expect(formatHostPort('10.0.0.1', 1)).toBe('10.0.0.1:1');
    expect(formatHostPort('::1', 7447)).toBe('[::1]:7447');
    expect(formatHostPort('2001:db8::42', 443)).toBe('[2001:db8::42]:443');
  });

  it.each([
    ['example.com', 7447],
    ['10.0.0.1', 1],
    ['::1', 65535],
    ['fe80::1%eth0', 80],
  ])('round-trips %s port %i through parseHostPort', (host, port) => {
    expect(parseHostPort(formatHostPort(host, port))).toEqual({ host, port });
  });
});

describe('limitKeyOf', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:1::5', '2001:db8:0:0::/64'],
    ['2001:DB8:00aa:bb:cc:dd:ee:ff', '2001:db8:aa:bb::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('%s counts as %s', (address, key) => {
    expect(limitKeyOf(address)).toBe(key);
  });

  it('counts every address of one IPv6 /64 as one, and the next /64 apart', () => {
    expect(limitKeyOf('2001:db8:1:2:aaaa::1')).toBe(limitKeyOf('2001:db8:1:2:ffff:1:2:3'));
    expect(limitKeyOf('2001:db8:1:2::1')).not.toBe(limitKeyOf('2001:db8:1:3::1'));
  });
});

describe('canonicalHost', () => {
  it.each([
    // IPv6: one spelling (RFC 5952), whatever zeros and case were typed.
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::0001', '::1'],
    ['0000::1', '::1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::FFFF:127.0.0.1', '::ffff:7f00:1'],
    ['FE80:0::1%eth0', 'fe80::1%eth0'],
    // IPv4: the address the resolver connects to (inet_aton: a leading 0 is octal, 0x hex, missing parts are zeros).
    ['127.0.0.1', '127.0.0.1'],
    ['127.000.000.001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0x7f.0.0.1', '127.0.0.1'],
    ['0127.0.0.1', '87.0.0.1'],
    // Not an address: left for the resolver to resolve or refuse.
    ['Example.COM', 'Example.COM'],
    ['08.0.0.1', '08.0.0.1'],
    ['1.2.3.256', '1.2.3.256'],
    ['1.2.3.4%eth0', '1.2.3.4%eth0'],
  ])('%s is %s', (host, canonical) => {
    expect(canonicalHost(host)).toBe(canonical);
  });
});
