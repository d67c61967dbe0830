import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, test } from 'vitest';
import { reachableAddresses, sharedAddress } from '../../src/cli/serve.js';

// A machine with loopback and one interface that has IPv4, a unique-local IPv6 and a link-local IPv6 address.
const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;
const interfaces = {
  lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
  eth0: [nic('192.0.2.2', 'IPv4'), nic('fd00::2', 'IPv6'), nic('fe80::fc:ff:fe00:1', 'IPv6')],
};

describe('where serve and host say they can be reached', () => {
  test('bound to :: (the default where the machine has IPv6, which takes IPv4 too): both families, no link-local', () => {
    expect(reachableAddresses('::', 7447, interfaces)).toEqual(['127.0.0.1:7447', '192.0.2.2:7447', '[::1]:7447', '[fd00::2]:7447']);
  });

  test('bound to 0.0.0.0: IPv4 only; to one address: that one', () => {
    expect(reachableAddresses('0.0.0.0', 7447, interfaces)).toEqual(['127.0.0.1:7447', '192.0.2.2:7447']);
    expect(reachableAddresses('fd00::2', 9000, interfaces)).toEqual(['[fd00::2]:9000']);
  });

  test("a container bridge listed before the machine's own interface does not take the join line", () => {
    const withDocker = { docker0: [nic('172.17.0.1', 'IPv4')], ...interfaces };
    expect(Object.keys(withDocker)[0]).toBe('docker0');
    const addresses = reachableAddresses('::', 7447, withDocker);
    expect(sharedAddress(addresses)).toBe('192.0.2.2:7447');
    expect(addresses).toContain('172.17.0.1:7447');
  });

  test('the join line gives an address other machines can use, IPv4 where there is one', () => {
    expect(sharedAddress(reachableAddresses('::', 7447, interfaces))).toBe('192.0.2.2:7447');
    expect(sharedAddress(['127.0.0.1:7447', '[::1]:7447', '[fd00::2]:7447'])).toBe('[fd00::2]:7447');
    expect(sharedAddress(['127.0.0.1:7447', '[::1]:7447'])).toBe('127.0.0.1:7447');
  });

  test('an IPv4 link-local address (no DHCP on a plugged-in cable) is listed but not given to others while any other is there', () => {
    const withLinkLocal = { eth1: [nic('169.254.12.3', 'IPv4')], ...interfaces };
    const addresses = reachableAddresses('::', 7447, withLinkLocal);
    expect(addresses).toContain('169.254.12.3:7447');
    expect(sharedAddress(addresses)).toBe('192.0.2.2:7447');
    expect(sharedAddress(['127.0.0.1:7447', '169.254.12.3:7447', '[fd00::2]:7447'])).toBe('[fd00::2]:7447');
    expect(sharedAddress(['127.0.0.1:7447', '169.254.12.3:7447'])).toBe('169.254.12.3:7447');
  });
});
