/**
 * The cheapest relay Node can be, as a floor for the server's CPU (bench child role `floor`, docs/performance.md,
 * fifth round): one room, WELCOME for the first frame of a connection, then every complete frame it reads written as
 * is to every other member. No handshake checks, no flow control, no ACKs, no pings: what is left is Node's own cost
 * of a read and its writes, which no protocol work on top can go below.
 *
 * `stream` reads through the socket's 'data' events, as the server does. `onread` reads into one reused buffer
 * (net.Socket's `onread` option) and skips the readable stream; Node offers that option only to sockets it creates,
 * so this bench moves an accepted socket's handle into a new Socket — internals a benchmark may touch, the server not.
 */
import net from 'node:net';
import { Codec, FrameType, StreamKind, encodeFrame, encodeJson } from '../src/protocol/index.js';

export interface FloorArgs {
  mode: 'stream' | 'onread';
}

interface Member {
  write(bytes: Uint8Array): void;
}

/** Splits a byte stream into runs of whole frames (4-byte big-endian length, then the rest of the frame). */
function frameRuns(onFrames: (frames: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer | undefined;
  return (chunk) => {
    const bytes = pending ? Buffer.concat([pending, chunk]) : chunk;
    let end = 0;
    while (bytes.length - end >= 4) {
      const length = 4 + bytes.readUInt32BE(end);
      if (bytes.length - end < length) break;
      end += length;
    }
    pending = end < bytes.length ? Buffer.from(bytes.subarray(end)) : undefined;
    if (end > 0) onFrames(bytes.subarray(0, end));
  };
}

export async function runFloorRelay(args: FloorArgs): Promise<void> {
  const members = new Set<Member>();
  const welcome = encodeFrame({
    type: FrameType.WELCOME, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq: 0, ts: Date.now(),
    payload: encodeJson({}),
  });
  const join = (socket: net.Socket): ((chunk: Buffer) => void) => {
    socket.setNoDelay(true);
    const member: Member = { write: (bytes) => socket.write(bytes) };
    let joined = false;
    socket.on('error', () => {});
    socket.on('close', () => members.delete(member));
    return frameRuns((frames) => {
      if (!joined) {
        joined = true;
        members.add(member);
        member.write(welcome);
        return;
      }
      for (const other of members) if (other !== member) other.write(frames);
    });
  };

  const server =
    args.mode === 'stream'
      ? net.createServer((socket) => {
        const onChunk = join(socket);
        socket.on('data', onChunk);
      })
      : net.createServer({ pauseOnConnect: true }, (accepted) => {
        // Not public API: the accepted socket's libuv handle, moved into a Socket that reads into our buffer.
        const internal = accepted as unknown as { _handle: unknown };
        const handle = internal._handle;
        internal._handle = null;
        const buffer = Buffer.allocUnsafe(64 * 1024);
        let onChunk: (chunk: Buffer) => void = () => {};
        // The next read overwrites the buffer, and a write may still hold what it was given: copy, as a relay must.
        const options = { handle, onread: { buffer, callback: (n: number) => onChunk(Buffer.from(buffer.subarray(0, n))) } };
        const socket = new net.Socket(options as net.SocketConstructorOpts);
        onChunk = join(socket);
        socket.resume();
      });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({ type: 'ready', port: (server.address() as net.AddressInfo).port });
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'stop') process.exit(0);
  });
}
