import { describe, expect, it } from 'vitest';
import { PendingAck } from '../../src/net/pending-ack.js';

describe('PendingAck', () => {
  it('owes nothing until bytes arrive, and nothing after an ACK went', () => {
    const ack = new PendingAck();
    expect(ack.owed).toBe(false);
    expect(ack.onReceived(0, 0)).toBe(false);
    expect(ack.owed).toBe(false);
    ack.onReceived(100, 0);
    expect(ack.owed).toBe(true);
    ack.clear();
    expect(ack.owed).toBe(false);
    expect(ack.ridesAt(1_000)).toBe(false);
  });

  it('is due 50 ms after the newest data while data keeps coming, but never later than 200 ms after the oldest', () => {
    const ack = new PendingAck();
    ack.onReceived(100, 1_000);
    expect(ack.dueAt()).toBe(1_050);
    // Data every 20 ms pushes the quiet deadline along…
    for (let t = 1_020; t <= 1_180; t += 20) ack.onReceived(100, t);
    expect(ack.dueAt()).toBe(1_200);
    // …up to the longest hold.
    ack.onReceived(100, 1_190);
    expect(ack.dueAt()).toBe(1_200);
  });

  it('starts timing the hold again after an ACK', () => {
    const ack = new PendingAck();
    ack.onReceived(100, 1_000);
    ack.onReceived(100, 1_190);
    ack.clear();
    ack.onReceived(100, 1_300);
    expect(ack.dueAt()).toBe(1_350);
  });

  it('is due at once after 16 KiB', () => {
    const ack = new PendingAck();
    expect(ack.onReceived(16 * 1024 - 1, 0)).toBe(false);
    expect(ack.onReceived(1, 1)).toBe(true);
  });

  it('rides with a write once it is half the quiet time old, not on every frame of a talker', () => {
    const ack = new PendingAck({ quietMs: 50 });
    ack.onReceived(100, 1_000);
    expect(ack.ridesAt(1_010)).toBe(false);
    expect(ack.ridesAt(1_025)).toBe(true);
  });

  it('takes its limits from the options', () => {
    const ack = new PendingAck({ quietMs: 10, maxHoldMs: 30, everyBytes: 500 });
    ack.onReceived(100, 0);
    expect(ack.dueAt()).toBe(10);
    ack.onReceived(100, 25);
    expect(ack.dueAt()).toBe(30);
    expect(ack.onReceived(300, 26)).toBe(true);
  });
});
