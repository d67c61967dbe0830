import { describe, expect, it } from 'vitest';
import { OutboundQueue } from '../../src/net/outbound-queue.js';
import { StreamKind } from '../../src/protocol/constants.js';
import { rng } from '../helpers/rng.js';

/** A frame of `size` bytes whose first two bytes identify it in assertions. */
function frame(id: number, size = 10): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes[0] = id >> 8;
  bytes[1] = id & 0xff;
  return bytes;
}
const ids = (frames: Uint8Array[]): number[] => frames.map((f) => (f[0]! << 8) | f[1]!);

/** Takes everything, in as many batches as needed. */
function drain(queue: OutboundQueue, maxBytes = Number.MAX_SAFE_INTEGER): number[] {
  const out: number[] = [];
  for (let guard = 0; !queue.isEmpty && guard < 10_000; guard++) out.push(...ids(queue.takeBatch(maxBytes)));
  return out;
}

describe('OutboundQueue video', () => {
  it('keeps only the newest frame per sender', () => {
    const q = new OutboundQueue();
    expect(q.enqueue(StreamKind.VIDEO, 1, frame(1, 100))).toBe('queued');
    expect(q.enqueue(StreamKind.VIDEO, 1, frame(2, 50))).toBe('replaced-older');
    expect(q.enqueue(StreamKind.VIDEO, 1, frame(3, 70))).toBe('replaced-older');
    expect(q.queuedBytes).toBe(70);
    expect(q.stats()).toMatchObject({ queuedBytes: 70, droppedVideo: 2, droppedAudio: 0 });
    expect(ids(q.takeBatch(1 << 20))).toEqual([3]);
    expect(q.queuedBytes).toBe(0);
    expect(q.isEmpty).toBe(true);
  });

  it('keeps senders independent', () => {
    const q = new OutboundQueue();
    q.enqueue(StreamKind.VIDEO, 1, frame(1));
    q.enqueue(StreamKind.VIDEO, 2, frame(2));
    q.enqueue(StreamKind.VIDEO, 1, frame(3));
    q.enqueue(StreamKind.VIDEO, 3, frame(4));
    expect(q.stats().droppedVideo).toBe(1);
    expect(q.queuedBytes).toBe(30);
    expect(ids(q.takeBatch(1 << 20)).sort((a, b) => a - b)).toEqual([2, 3, 4]);
  });

  it('a sender whose frame was sent queues afresh', () => {
    const q = new OutboundQueue();
    q.enqueue(StreamKind.VIDEO, 1, frame(1));
    q.takeBatch(1000);
    expect(q.enqueue(StreamKind.VIDEO, 1, frame(2))).toBe('queued');
    expect(q.stats().droppedVideo).toBe(0);
    expect(drain(q)).toEqual([2]);
  });
});

describe('OutboundQueue audio', () => {
  it('holds at most audioFramesPerSender per sender, dropping the oldest', () => {
    const q = new OutboundQueue({ audioFramesPerSender: 3 });
    expect(q.enqueue(StreamKind.AUDIO, 1, frame(1))).toBe('queued');
    expect(q.enqueue(StreamKind.AUDIO, 1, frame(2))).toBe('queued');
    expect(q.enqueue(StreamKind.AUDIO, 1, frame(3))).toBe('queued');
    expect(q.enqueue(StreamKind.AUDIO, 1, frame(4))).toBe('dropped-oldest');
    expect(q.enqueue(StreamKind.AUDIO, 1, frame(5))).toBe('dropped-oldest');
    expect(q.queuedBytes).toBe(30);
    expect(q.stats().droppedAudio).toBe(2);
    expect(drain(q)).toEqual([3, 4, 5]);
    expect(q.queuedBytes).toBe(0);
  });

  it("counts as 'behind' only frames that waited through a flush, not those a sender's own burst pushed out", () => {
    const q = new OutboundQueue({ audioFramesPerSender: 3 });
    // A burst of five audio frames and two video frames from one sender, before any flush: two and one pushed out.
    for (let i = 1; i <= 5; i++) q.enqueue(StreamKind.AUDIO, 1, frame(i));
    q.enqueue(StreamKind.VIDEO, 1, frame(50));
    q.enqueue(StreamKind.VIDEO, 1, frame(51));
    expect(q.stats()).toMatchObject({ droppedAudio: 2, droppedAudioBehind: 0, droppedVideo: 1, droppedVideoBehind: 0 });
    // The flush could take nothing (the receiver is behind): what waited and is now pushed out counts.
    q.flushed();
    q.enqueue(StreamKind.AUDIO, 1, frame(6));
    q.enqueue(StreamKind.VIDEO, 1, frame(52));
    expect(q.stats()).toMatchObject({ droppedAudio: 3, droppedAudioBehind: 1, droppedVideo: 2, droppedVideoBehind: 1 });
  });

  it('bounds each sender separately', () => {
    const q = new OutboundQueue({ audioFramesPerSender: 2 });
    for (let i = 0; i < 5; i++) q.enqueue(StreamKind.AUDIO, 1, frame(100 + i));
    q.enqueue(StreamKind.AUDIO, 2, frame(200));
    q.enqueue(StreamKind.AUDIO, 2, frame(201));
    expect(q.stats().droppedAudio).toBe(3);
    const out = drain(q);
    expect(out.filter((id) => id < 200)).toEqual([103, 104]);
    expect(out.filter((id) => id >= 200)).toEqual([200, 201]);
  });

  it('defaults to 10 frames per sender', () => {
    const q = new OutboundQueue();
    const results = Array.from({ length: 11 }, (_, i) => q.enqueue(StreamKind.AUDIO, 1, frame(i)));
    expect(results.slice(0, 10).every((r) => r === 'queued')).toBe(true);
    expect(results[10]).toBe('dropped-oldest');
    expect(drain(q)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('round-robins between senders, oldest frame of each first', () => {
    const q = new OutboundQueue();
    for (let i = 0; i < 3; i++) q.enqueue(StreamKind.AUDIO, 1, frame(100 + i));
    for (let i = 0; i < 3; i++) q.enqueue(StreamKind.AUDIO, 2, frame(200 + i));
    q.enqueue(StreamKind.AUDIO, 3, frame(300));
    expect(ids(q.takeBatch(1 << 20))).toEqual([100, 200, 300, 101, 201, 102, 202]);
  });

  it('a small budget still gives every talking sender a frame, so one cannot starve another', () => {
    const q = new OutboundQueue();
    for (let i = 0; i < 5; i++) q.enqueue(StreamKind.AUDIO, 1, frame(100 + i));
    q.enqueue(StreamKind.AUDIO, 2, frame(200));
    expect(ids(q.takeBatch(1))).toEqual([100, 200]);
    expect(ids(q.takeBatch(1))).toEqual([101]);
  });
});

describe('OutboundQueue control and chat', () => {
  it('never drops control or chat, keeping FIFO order across both', () => {
    const q = new OutboundQueue({ controlCapBytes: 1 << 20 });
    for (let i = 0; i < 500; i++) {
      expect(q.enqueue(i % 2 ? StreamKind.CHAT : StreamKind.CONTROL, 0, frame(i))).toBe('queued');
    }
    expect(q.queuedBytes).toBe(5000);
    expect(drain(q, 64)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(q.stats()).toMatchObject({ queuedBytes: 0, droppedVideo: 0, droppedAudio: 0 });
  });

  it('reports overflow once the bytes held pass the cap, but still keeps the frames', () => {
    const q = new OutboundQueue({ controlCapBytes: 25 });
    expect(q.enqueue(StreamKind.CONTROL, 0, frame(1))).toBe('queued');
    expect(q.enqueue(StreamKind.CONTROL, 0, frame(2))).toBe('queued');
    expect(q.enqueue(StreamKind.CONTROL, 0, frame(3, 5))).toBe('queued'); // exactly 25: at the cap, not past it
    expect(q.enqueue(StreamKind.CHAT, 0, frame(4, 2))).toBe('overflow');
    expect(q.enqueue(StreamKind.CONTROL, 0, frame(5))).toBe('overflow');
    expect(q.queuedBytes).toBe(37);
    expect(drain(q)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops reporting overflow once taking frames brings it back under the cap', () => {
    const q = new OutboundQueue({ controlCapBytes: 20 });
    q.enqueue(StreamKind.CONTROL, 0, frame(1));
    q.enqueue(StreamKind.CONTROL, 0, frame(2));
    expect(q.enqueue(StreamKind.CONTROL, 0, frame(3))).toBe('overflow');
    q.takeBatch(20);
    expect(q.enqueue(StreamKind.CONTROL, 0, frame(4))).toBe('queued');
  });

  it('keeps order through many partial takes (compaction of the consumed prefix)', () => {
    const q = new OutboundQueue({ controlCapBytes: Number.MAX_SAFE_INTEGER });
    for (let i = 0; i < 3000; i++) q.enqueue(StreamKind.CONTROL, 0, frame(i));
    const out: number[] = [];
    // Interleave takes and enqueues so the head passes the compaction threshold with frames still queued.
    for (let i = 3000; i < 4000; i++) {
      out.push(...ids(q.takeBatch(20)));
      q.enqueue(StreamKind.CONTROL, 0, frame(i));
    }
    out.push(...drain(q, 30));
    expect(out).toEqual(Array.from({ length: 4000 }, (_, i) => i));
    expect(q.queuedBytes).toBe(0);
  });
});

describe('OutboundQueue.takeBatch', () => {
  it('appends to a caller-supplied array, and the batch limit counts only what it appended', () => {
    const q = new OutboundQueue();
    q.enqueue(StreamKind.CONTROL, 0, frame(1, 50));
    q.enqueue(StreamKind.CONTROL, 0, frame(2, 50));
    const out = [frame(99)];
    expect(q.takeBatch(10, undefined, out)).toBe(out);
    expect(ids(out)).toEqual([99, 1]);
    out.length = 0;
    expect(ids(q.takeBatch(10, undefined, out))).toEqual([2]);
  });

  it('returns nothing from an empty queue', () => {
    expect(new OutboundQueue().takeBatch(1000)).toEqual([]);
  });

  it('orders control and chat before audio before video', () => {
    const q = new OutboundQueue();
    q.enqueue(StreamKind.VIDEO, 1, frame(30));
    q.enqueue(StreamKind.AUDIO, 1, frame(20));
    q.enqueue(StreamKind.CONTROL, 0, frame(10));
    q.enqueue(StreamKind.VIDEO, 2, frame(31));
    q.enqueue(StreamKind.CHAT, 2, frame(11));
    q.enqueue(StreamKind.AUDIO, 2, frame(21));
    expect(ids(q.takeBatch(1 << 20))).toEqual([10, 11, 20, 21, 30, 31]);
  });

  it('a batch full of control leaves audio and video for the next batch', () => {
    const q = new OutboundQueue();
    q.enqueue(StreamKind.VIDEO, 1, frame(30, 100));
    q.enqueue(StreamKind.AUDIO, 1, frame(20, 10));
    q.enqueue(StreamKind.CONTROL, 0, frame(10, 50));
    q.enqueue(StreamKind.CONTROL, 0, frame(11, 50));
    expect(ids(q.takeBatch(100))).toEqual([10, 11]);
    expect(q.queuedBytes).toBe(110);
    expect(ids(q.takeBatch(100))).toEqual([20, 30]);
    expect(q.isEmpty).toBe(true);
  });

  it('takes about maxBytes: stops after the frame that reaches the budget', () => {
    const q = new OutboundQueue();
    for (let i = 0; i < 10; i++) q.enqueue(StreamKind.CONTROL, 0, frame(i, 10));
    expect(ids(q.takeBatch(25))).toEqual([0, 1, 2]);
    expect(q.queuedBytes).toBe(70);
  });

  it('gives at least one frame even when that frame alone exceeds the budget', () => {
    const control = new OutboundQueue();
    control.enqueue(StreamKind.CONTROL, 0, frame(1, 5000));
    expect(ids(control.takeBatch(10))).toEqual([1]);
    const video = new OutboundQueue();
    video.enqueue(StreamKind.VIDEO, 1, frame(2, 5000));
    expect(ids(video.takeBatch(10))).toEqual([2]);
    const audio = new OutboundQueue();
    audio.enqueue(StreamKind.AUDIO, 1, frame(3, 5000));
    expect(ids(audio.takeBatch(10))).toEqual([3]);
  });

  it('leaves the other video senders queued once the budget is used', () => {
    const q = new OutboundQueue();
    q.enqueue(StreamKind.VIDEO, 1, frame(1, 100));
    q.enqueue(StreamKind.VIDEO, 2, frame(2, 100));
    q.enqueue(StreamKind.VIDEO, 3, frame(3, 100));
    expect(ids(q.takeBatch(150))).toEqual([1, 2]);
    expect(q.queuedBytes).toBe(100);
    // A newer frame of a waiting sender replaces the one still queued.
    expect(q.enqueue(StreamKind.VIDEO, 3, frame(4, 60))).toBe('replaced-older');
    expect(ids(q.takeBatch(150))).toEqual([4]);
  });

  it('rotates which video sender goes first when only one frame fits, so none is starved', () => {
    const q = new OutboundQueue();
    const served: number[] = [];
    for (let round = 0; round < 6; round++) {
      for (const sender of [1, 2, 3]) q.enqueue(StreamKind.VIDEO, sender, frame(sender, 100));
      served.push(...ids(q.takeBatch(1)));
    }
    expect(served).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('forgets the slots of senders that left, keeping those with frames queued', () => {
    const q = new OutboundQueue();
    q.enqueue(StreamKind.AUDIO, 1, frame(1));
    // 100 short-lived senders, each sending once and being sent.
    for (let sender = 100; sender < 200; sender++) {
      q.enqueue(StreamKind.VIDEO, sender, frame(sender));
      q.enqueue(StreamKind.AUDIO, 1, frame(2));
      expect(ids(q.takeBatch(1 << 20))).toContain(sender);
    }
    expect(q.senderSlots).toBeLessThanOrEqual(2 * 16 + 1);
    q.enqueue(StreamKind.AUDIO, 1, frame(3));
    expect(drain(q)).toEqual([3]);
  });

  it('matches a model through a random mix of operations: exact queuedBytes, nothing dropped twice or resent', () => {
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const q = new OutboundQueue({ audioFramesPerSender: 4, controlCapBytes: 1 << 30 });
    // The model: which frame objects must still be held.
    const control: Uint8Array[] = [];
    const audio = new Map<number, Uint8Array[]>();
    const video = new Map<number, Uint8Array>();
    const heldBytes = () =>
      control.reduce((n, f) => n + f.length, 0) +
      [...audio.values()].flat().reduce((n, f) => n + f.length, 0) +
      [...video.values()].reduce((n, f) => n + f.length, 0);
    let batches = 0;
    for (let i = 0; i < 5000; i++) {
      const r = random();
      const sender = 1 + Math.floor(random() * 4);
      const bytes = new Uint8Array(1 + Math.floor(random() * 300));
      if (r < 0.3) {
        video.set(sender, bytes);
        q.enqueue(StreamKind.VIDEO, sender, bytes);
      } else if (r < 0.6) {
        const held = audio.get(sender) ?? [];
        held.push(bytes);
        if (held.length > 4) held.shift();
        audio.set(sender, held);
        q.enqueue(StreamKind.AUDIO, sender, bytes);
      } else if (r < 0.75) {
        control.push(bytes);
        q.enqueue(StreamKind.CONTROL, 0, bytes);
      } else {
        batches += 1;
        const batch = q.takeBatch(Math.floor(random() * 1000));
        if (heldBytes() > 0) expect(batch.length).toBeGreaterThan(0);
        for (const f of batch) {
          // Every frame handed out must be one the model still holds, in FIFO order for control and per sender.
          if (control[0] === f) {
            control.shift();
            continue;
          }
          const audioOwner = [...audio].find(([, held]) => held[0] === f);
          if (audioOwner) {
            audioOwner[1].shift();
            continue;
          }
          const videoOwner = [...video].find(([, held]) => held === f);
          expect(videoOwner).toBeDefined();
          video.delete(videoOwner![0]);
        }
      }
      expect(q.queuedBytes).toBe(heldBytes());
    }
    expect(batches).toBeGreaterThan(1000);
    q.takeBatch(Number.MAX_SAFE_INTEGER);
    expect(q.queuedBytes).toBe(0);
    expect(q.isEmpty).toBe(true);
    expect(q.takeBatch(1000)).toEqual([]);
  });
});

describe('OutboundQueue.clear', () => {
  it('forgets everything queued and allows queueing again', () => {
    const q = new OutboundQueue({ controlCapBytes: 15 });
    q.enqueue(StreamKind.CONTROL, 0, frame(1));
    q.enqueue(StreamKind.CONTROL, 0, frame(2));
    q.enqueue(StreamKind.AUDIO, 1, frame(3));
    q.enqueue(StreamKind.VIDEO, 1, frame(4));
    q.clear();
    expect(q.queuedBytes).toBe(0);
    expect(q.isEmpty).toBe(true);
    expect(q.takeBatch(1000)).toEqual([]);
    // The control byte count was reset too: no stale overflow.
    expect(q.enqueue(StreamKind.CONTROL, 0, frame(5))).toBe('queued');
    expect(q.enqueue(StreamKind.VIDEO, 1, frame(6))).toBe('queued');
    expect(drain(q)).toEqual([5, 6]);
  });
});

describe('OutboundQueue fuzz: against a model, with ACK-window room, many senders and clear()', () => {
  it('sends each frame once, never drops control, keeps order per stream, counts bytes and drops exactly', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const random = rng(seed);
      const pick = (n: number): number => Math.floor(random() * n);
      const perSender = 1 + pick(6);
      const q = new OutboundQueue({ audioFramesPerSender: perSender, controlCapBytes: 1 << 30 });
      const control: Uint8Array[] = [];
      const audio = new Map<number, Uint8Array[]>();
      const video = new Map<number, Uint8Array>();
      /** Which stream each frame is in, and where: a frame handed out must be the one its stream sends next. */
      const owner = new Map<Uint8Array, { kind: 'control' | 'audio' | 'video'; sender: number }>();
      const sent = new Set<Uint8Array>();
      let heldBytes = 0;
      let controlBytes = 0;
      let droppedAudio = 0;
      let droppedVideo = 0;
      // Senders come and go: ids from a window that moves, so slots of departed senders must be pruned.
      let firstSender = 0;
      const fail = (what: string, step: number): never => {
        throw new Error(`${what} (seed ${seed}, step ${step})`);
      };
      for (let step = 0; step < 2500; step++) {
        const r = random();
        if (random() < 0.01) firstSender += 10;
        const sender = firstSender + pick(20);
        const bytes = new Uint8Array(24 + pick(400));
        if (r < 0.25) {
          const older = video.get(sender);
          if (older) {
            droppedVideo += 1;
            heldBytes -= older.length;
          }
          video.set(sender, bytes);
          owner.set(bytes, { kind: 'video', sender });
          heldBytes += bytes.length;
          q.enqueue(StreamKind.VIDEO, sender, bytes);
        } else if (r < 0.55) {
          const held = audio.get(sender) ?? [];
          held.push(bytes);
          heldBytes += bytes.length;
          if (held.length > perSender) {
            heldBytes -= held.shift()!.length;
            droppedAudio += 1;
          }
          audio.set(sender, held);
          owner.set(bytes, { kind: 'audio', sender });
          q.enqueue(StreamKind.AUDIO, sender, bytes);
        } else if (r < 0.65) {
          control.push(bytes);
          owner.set(bytes, { kind: 'control', sender });
          heldBytes += bytes.length;
          controlBytes += bytes.length;
          q.enqueue(random() < 0.5 ? StreamKind.CONTROL : StreamKind.CHAT, sender, bytes);
        } else if (r < 0.655) {
          q.clear();
          control.length = 0;
          audio.clear();
          video.clear();
          heldBytes = controlBytes = 0;
        } else {
          const room = random() < 0.3 ? undefined : { audio: pick(2000) - 200, video: pick(3000) - 300, pipeEmpty: random() < 0.3 };
          const hadControl = control.length > 0;
          const batch = q.takeBatch(pick(3000), room);
          if (random() < 0.5) q.flushed();
          if (hadControl && batch.length === 0) fail('control held back', step);
          let videoTaken = 0;
          for (const frame of batch) {
            if (sent.has(frame)) fail('a frame sent twice', step);
            sent.add(frame);
            const from = owner.get(frame);
            if (!from) fail('a frame never queued', step);
            heldBytes -= frame.length;
            if (from!.kind === 'control') {
              if (control.shift() !== frame) fail('control out of order', step);
              controlBytes -= frame.length;
              continue;
            }
            if (control.length > 0) fail('media before control', step);
            if (from!.kind === 'audio') {
              if (audio.get(from!.sender)?.shift() !== frame) fail('audio out of order, or a dropped frame sent', step);
              continue;
            }
            if (video.get(from!.sender) !== frame) fail('an older video frame sent', step);
            video.delete(from!.sender);
            // A video frame fits the room, but the first when nothing is in flight (or big frames could never go).
            if (room && videoTaken + frame.length > room.video && !(room.pipeEmpty && videoTaken === 0)) fail('video past the room', step);
            videoTaken += frame.length;
          }
        }
        if (q.queuedBytes !== heldBytes || q.controlQueuedBytes !== controlBytes) fail('byte counts', step);
        const stats = q.stats();
        if (stats.droppedAudio !== droppedAudio || stats.droppedVideo !== droppedVideo) fail('drop counts', step);
        if (q.senderSlots > 60) fail(`${q.senderSlots} sender slots kept`, step);
      }
    }
  });
});
