import { describe, expect, it } from 'vitest';
import { AckWindow } from '../../src/net/ack-window.js';

/** Writes `bytes` at `sentAt` and acknowledges everything so far at `ackedAt`: one round trip of ackedAt − sentAt. */
function roundTrip(window: AckWindow, bytes: number, sentAt: number, ackedAt: number, total: { sent: number }): void {
  window.onSent(bytes, sentAt);
  total.sent += bytes;
  window.onAck(total.sent % 2 ** 32, ackedAt);
}

describe('AckWindow delay evidence (the path carries less than is sent)', () => {
  it('counts the round trips queued past the target, and the worst, since it was last asked', () => {
    const window = new AckWindow({});
    const total = { sent: 0 };
    let now = 0;
    for (let i = 0; i < 5; i++, now += 20) roundTrip(window, 1000, now, now + 5, total); // the empty path: 5 ms
    expect(window.takeDelayEvidence()).toEqual({ samples: 5, queued: 0, worstQueueingMs: 0 });
    // 60 ms of queueing (what a delayed ACK alone may add) is not counted; 150 and 250 ms are.
    for (const rtt of [65, 155, 255]) {
      roundTrip(window, 1000, now, now + rtt, total);
      now += 300;
    }
    expect(window.takeDelayEvidence()).toEqual({ samples: 3, queued: 2, worstQueueingMs: 250 });
    expect(window.takeDelayEvidence()).toEqual({ samples: 0, queued: 0, worstQueueingMs: 0 });
  });
});
