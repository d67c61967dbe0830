import net from 'node:net';

/** A loopback TCP relay that records every byte in both directions (to check what crosses the wire). */
export class RecordingProxy {
  readonly toServer: Buffer[] = [];
  readonly toClient: Buffer[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: net.Server) {}

  static async start(targetPort: number): Promise<RecordingProxy> {
    let proxy!: RecordingProxy;
    const server = net.createServer((client) => {
      const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (d) => {
        proxy.toServer.push(d);
        upstream.write(d);
      });
      upstream.on('data', (d) => {
        proxy.toClient.push(d);
        client.write(d);
      });
    });
    proxy = new RecordingProxy(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  allBytes(): Buffer {
    return Buffer.concat([...this.toServer, ...this.toClient]);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
