import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HeadlessOutput, type WriteSome } from '../../src/cli/headless-output.js';

/** A file on a disk whose free space the test sets: writes take what fits, then fail with ENOSPC, as write(2) does. */
class SmallDisk {
  text = '';
  free = Number.POSITIVE_INFINITY;
  readonly write: WriteSome = (bytes) => {
    if (this.free <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const taken = Math.min(bytes.length, this.free);
    this.free -= taken;
    this.text += Buffer.from(bytes.subarray(0, taken)).toString();
    return taken;
  };

  lines(): Array<Record<string, unknown>> {
    return this.text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

function collected(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return () => text;
}

describe('HeadlessOutput on a file', () => {
  it('after a full disk finishes the cut line, counts what was lost, and goes on once there is room', () => {
    const disk = new SmallDisk();
    const stderr = new PassThrough();
    const said = collected(stderr);
    let readerGone = 0;
    const output = new HeadlessOutput({ out: disk.write, stderr, now: () => 7, readerGone: () => readerGone++ });
    output.print({ type: 'joined', n: 0 });
    disk.free = 10;
    output.print({ type: 'stats', n: 1 }); // cut after 10 bytes
    output.print({ type: 'stats', n: 2 }); // lost
    output.print({ type: 'stats', n: 3 }); // lost
    expect(said()).toBe('livecomm-tui: cannot write events to stdout (the disk is full): they are lost, and counted, until it can be written again; the call goes on\n');
    disk.free = Number.POSITIVE_INFINITY;
    output.print({ type: 'stats', n: 4 });
    output.print({ type: 'stats', n: 5 });
    expect(disk.lines()).toEqual([
      { type: 'joined', n: 0, ts: 7 },
      { type: 'stats', n: 1, ts: 7 },
      { type: 'events-lost', count: 2, message: '2 events were lost while stdout could not be written (the disk is full)', ts: 7 },
      { type: 'stats', n: 4, ts: 7 },
      { type: 'stats', n: 5, ts: 7 },
    ]);
    expect(said().split('\n')[1]).toBe('livecomm-tui: events are written to stdout again; 2 events were lost while stdout could not be written (the disk is full)');
    expect(readerGone).toBe(0);
    output.end();
    expect(said().split('\n')).toHaveLength(3); // nothing lost since: nothing more to say
  });

  it('counts the events lost while the count itself could not be written', () => {
    const disk = new SmallDisk();
    const stderr = new PassThrough();
    const output = new HeadlessOutput({ out: disk.write, stderr, now: () => 7, readerGone: () => {} });
    disk.free = 0;
    output.print({ type: 'joined' });
    output.print({ type: 'stats', n: 1 });
    disk.free = 5; // the events-lost line begins, and is cut
    output.print({ type: 'stats', n: 2 });
    output.print({ type: 'stats', n: 3 });
    disk.free = Number.POSITIVE_INFINITY;
    output.print({ type: 'stats', n: 4 });
    expect(disk.lines()).toEqual([
      { type: 'events-lost', count: 2, message: '2 events were lost while stdout could not be written (the disk is full)', ts: 7 },
      { type: 'events-lost', count: 2, message: '2 events were lost while stdout could not be written (the disk is full)', ts: 7 },
      { type: 'stats', n: 4, ts: 7 },
    ]);
  });

  it('on a device that is always full (/dev/full) says so once, and never throws', () => {
    const disk = new SmallDisk();
    disk.free = 0;
    const stderr = new PassThrough();
    const said = collected(stderr);
    const output = new HeadlessOutput({ out: disk.write, stderr, now: () => 7, readerGone: () => {} });
    for (let n = 0; n < 100; n++) output.print({ type: 'stats', n });
    expect(said().split('\n').filter(Boolean)).toHaveLength(1);
    expect(disk.text).toBe('');
    // At the end, the count no events-lost line will give.
    output.end();
    expect(said().split('\n')[1]).toBe('livecomm-tui: 100 events were lost while stdout could not be written (the disk is full)');
  });

  it('a reader gone (EPIPE) ends the output once, without a word on stderr', () => {
    const stderr = new PassThrough();
    const said = collected(stderr);
    let readerGone = 0;
    let writes = 0;
    const output = new HeadlessOutput({
      now: () => 7,
      out: () => {
        writes++;
        throw Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
      },
      stderr,
      readerGone: () => readerGone++,
    });
    output.print({ type: 'joined' });
    output.print({ type: 'stats' });
    expect(readerGone).toBe(1);
    expect(writes).toBe(1);
    expect(said()).toBe('');
  });
});

describe('HeadlessOutput stamps', () => {
  it('every line with `ts` last, and keeps the one a line has (chat: the server\'s stamp)', () => {
    const disk = new SmallDisk();
    const output = new HeadlessOutput({ out: disk.write, stderr: new PassThrough(), now: () => 1_700_000_000_123, readerGone: () => {} });
    output.print({ type: 'participant-joined', id: 2, name: 'bob' });
    output.print({ type: 'chat', from: 'bob', fromId: 2, text: 'hi', ts: 1_699_999_999_000.5 });
    expect(disk.text).toBe(
      '{"type":"participant-joined","id":2,"name":"bob","ts":1700000000123}\n{"type":"chat","from":"bob","fromId":2,"text":"hi","ts":1699999999000.5}\n',
    );
  });
});

describe('HeadlessOutput on a stream', () => {
  it('writes lines, and after a failure that is no reader leaving says once that they stop', () => {
    const out = new PassThrough();
    const written = collected(out);
    const stderr = new PassThrough();
    const said = collected(stderr);
    const output = new HeadlessOutput({ out, stderr, now: () => 7, readerGone: () => {} });
    output.print({ type: 'joined' });
    expect(written()).toBe('{"type":"joined","ts":7}\n');
    out.emit('error', Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }));
    out.emit('error', Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }));
    output.print({ type: 'stats' });
    expect(said()).toBe('livecomm-tui: cannot write events to stdout (the disk is full): they stop, the call goes on\n');
    expect(written()).toBe('{"type":"joined","ts":7}\n');
  });
});
