import { afterEach, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { FuzzConn } from '../helpers/room-fuzz-conn.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

it('one address joining again and again cannot pour chat past its address budget into a stalled member (each connection starts with a full limit of its own)', async () => {
  const dropped: string[] = [];
  server = await startServer({
    host: '127.0.0.1', port: 0,
    logger: { log: (_level, event, fields) => void (event === 'slow-consumer' ? dropped.push(JSON.stringify(fields)) : undefined) },
  });
  const port = server.port;
  const open = (address: string, name: string): Promise<FuzzConn> => FuzzConn.open(port, address, 0, name, 'main', 'main', undefined, [], undefined, Date.now);
  // A member whose link stalls (a wifi hiccup): it reads nothing while the flood goes on.
  const victim = await open('127.0.0.2', 'victim');
  expect(await victim.welcomed()).toBe(true);
  victim.pause();
  let accepted = 0;
  let floodingBye: string | undefined;
  const started = Date.now();
  for (let n = 0; floodingBye === undefined && Date.now() - started < 8_000; n++) {
    const flooder = await open('127.0.0.3', `m${n}`);
    if (!(await flooder.welcomed())) continue;
    // 31 lines of 2,000 characters: ~62 KiB, inside one connection's own 64 KiB burst.
    for (let i = 0; i < 31; i++) flooder.chat('y'.repeat(2000));
    flooder.leave();
    await flooder.whenClosed();
    if (flooder.bye?.code === 'flooding') floodingBye = `m${n}`;
    else accepted += 31 * 2020;
  }
  expect(floodingBye).toBeDefined();
  // Four connections' worth (256 KiB) at most, then the address is refused; the stalled member stays.
  expect(accepted).toBeLessThanOrEqual(4 * 64 * 1024);
  // Another address has a budget of its own.
  const other = await open('127.0.0.4', 'other');
  expect(await other.welcomed()).toBe(true);
  other.chat('hello from elsewhere');
  victim.resume();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(other.bye).toBeUndefined();
  expect(victim.closed).toBe(false);
  expect(dropped).toEqual([]);
}, 20_000);
