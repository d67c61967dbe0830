// What a headless bot reads when its own link drops and it rejoins: the room as it is, not a room everyone left.
import { describe, expect, it } from 'vitest';
import { useCliWorkspace } from '../helpers/cli-process.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { freePort } from '../helpers/ports.js';
import { RecordingSession } from '../helpers/session-client.js';

const workspace = useCliWorkspace('lc-rejoin-');

describe('headless participant whose own link drops', () => {
  it('says nobody left who did not, and after the rejoin who left and who came while it was away', async () => {
    const { port } = await workspace.serve();
    const proxy = await FaultProxy.start(port);
    try {
      const bot = await workspace.joinHeadless(proxy.port, 'greeter');
      const alice = await workspace.joinHeadless(port, 'alice');
      const bob = await workspace.joinHeadless(port, 'bob');
      await bot.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'bob');
      // The bot's link is cut and its attempts find nothing until the path is given back.
      proxy.targetPort = await freePort();
      proxy.reset();
      await bot.waitForEvent((e) => e.type === 'status' && e.status === 'reconnecting' && e.attempt === 1);
      bob.signal('SIGTERM');
      expect(await bob.exited).toBe(0);
      const carol = await workspace.joinHeadless(port, 'carol');
      await alice.waitForEvent((e) => e.type === 'participant-left' && e.name === 'bob');
      proxy.targetPort = port;
      await bot.waitForEvent((e) => e.type === 'joined' && e.rejoined === true, 15_000);
      await bot.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'carol');

      const events = bot.events().filter((e) => e.type !== 'stats');
      const rejoin = events.findIndex((e) => e.type === 'joined' && e.rejoined === true);
      const roomNews = events.filter((e) => e.type === 'participant-joined' || e.type === 'participant-left');
      expect(roomNews.map((e) => `${e.type} ${String(e.name)}`)).toEqual([
        'participant-joined alice',
        'participant-joined bob',
        'participant-left bob',
        'participant-joined carol',
      ]);
      // Said after the rejoin that found them so: a bot reading in order knows the room before the news.
      expect(events.indexOf(roomNews[2]!)).toBeGreaterThan(rejoin);
      expect(roomNews[2]).toMatchObject({ reason: 'left-while-reconnecting' });
      expect(events.indexOf(roomNews[3]!)).toBeGreaterThan(rejoin);
      bot.signal('SIGINT');
      expect(await bot.exited).toBe(0);
      for (const p of [alice, carol]) p.signal('SIGINT');
    } finally {
      await proxy.close();
    }
  });

  it('after the rejoin, says in a `state` what changed meanwhile for one who stayed (here: began to record)', async () => {
    const { port } = await workspace.serve();
    const proxy = await FaultProxy.start(port);
    const alice = new RecordingSession({ port, name: 'alice' });
    try {
      await alice.start();
      const bot = await workspace.joinHeadless(proxy.port, 'bot');
      await alice.waitFor('participant-joined', (e) => e.participant.name === 'bot');
      proxy.targetPort = await freePort();
      proxy.reset();
      await bot.waitForEvent((e) => e.type === 'status' && e.status === 'reconnecting' && e.attempt === 1);
      alice.session.setState({ muted: true, cameraOff: true, recording: true });
      proxy.targetPort = port;
      // The notice is printed right after the `joined` and the lines that follow it: the `state` is before it or never.
      await bot.waitForEvent((e) => e.type === 'notice' && String(e.message).startsWith('reconnected'), 15_000);
      const events = bot.events();
      const rejoin = events.findIndex((e) => e.type === 'joined' && e.rejoined === true);
      expect(events[rejoin]!.participants).toEqual([expect.objectContaining({ name: 'alice', recording: true })]);
      expect(events.slice(rejoin).filter((e) => e.type === 'state')).toEqual([expect.objectContaining({ name: 'alice', muted: true, recording: true })]);
      bot.signal('SIGINT');
      expect(await bot.exited).toBe(0);
    } finally {
      await alice.session.leave();
      await proxy.close();
    }
  });
});
