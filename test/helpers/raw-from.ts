import net from 'node:net';
import { RawClient } from './raw-client.js';

/**
 * A RawClient whose connection comes from a chosen loopback address (127.0.0.0/8 all reach `lo` on Linux), so one
 * test can play several remote hosts: an abuser and an honest user are different addresses to the server's limits.
 */
export function rawFrom(port: number, localAddress: string): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => {
      socket.off('error', reject);
      resolve(new (RawClient as unknown as new (s: net.Socket) => RawClient)(socket));
    });
    socket.once('error', reject);
  });
}

/** Opens a bare TCP connection from `localAddress` that never sends a byte; resolves once connected. */
export function silentSocket(port: number, localAddress = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}
