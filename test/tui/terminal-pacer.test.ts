import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { STATUS_QUERY, TerminalPacer } from '../../src/tui/terminal-pacer.js';
import { VideoLayer } from '../../src/tui/video-layer.js';
import { sortTerminalInput } from '../../src/tui/terminal-reports.js';
import { gradientImage } from '../media/video/helpers.js';

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('TerminalPacer', () => {
  it('lets three frames be on their way, then waits for the terminal to answer one', () => {
    const time = clock();
    const pacer = new TerminalPacer({ now: time.now });
    for (let i = 0; i < 3; i++) {
      expect(pacer.mayWrite()).toBe(true);
      pacer.wrote();
    }
    expect(pacer.mayWrite()).toBe(false);
    time.advance(1000);
    expect(pacer.mayWrite()).toBe(false);
    pacer.answered();
    expect(pacer.framesInFlight).toBe(2);
    expect(pacer.mayWrite()).toBe(true);
    // The first frame took 1 s to be read (the stats overlay shows it); the next answers are for the later frames.
    expect(pacer.roundTripMs).toBe(1000);
    time.advance(50);
    pacer.answered();
    expect(pacer.roundTripMs).toBe(1050);
  });

  it('stops asking a terminal that never answers, after a short wait, and does not hold video for it again', () => {
    const time = clock();
    const pacer = new TerminalPacer({ now: time.now });
    for (let i = 0; i < 3; i++) pacer.wrote();
    time.advance(1500);
    expect(pacer.mayWrite()).toBe(false);
    time.advance(600);
    expect(pacer.mayWrite()).toBe(true);
    for (let i = 0; i < 10; i++) expect(pacer.wrote()).toBe('');
    expect(pacer.mayWrite()).toBe(true);
  });

  it('waits long for a terminal that has answered before (a slow link), but not for ever (an answer lost)', () => {
    const time = clock();
    const pacer = new TerminalPacer({ now: time.now });
    pacer.wrote();
    pacer.answered();
    for (let i = 0; i < 3; i++) pacer.wrote();
    time.advance(7000);
    expect(pacer.mayWrite()).toBe(false);
    time.advance(1500);
    expect(pacer.mayWrite()).toBe(true);
    expect(pacer.framesInFlight).toBe(0);
  });

  it('lets more go over a far but fast link, where answers take long but nothing queues; holds back once it does', () => {
    const time = clock();
    const pacer = new TerminalPacer({ now: time.now });
    // A 300 ms round trip, frames every 67 ms, every answer on time: 5 frames are on their way at once.
    const sent: number[] = [];
    let written = 0;
    for (let t = 0; t < 3000; t += 67) {
      time.advance(67);
      while (sent.length > 0 && time.now() - sent[0]! >= 300) {
        sent.shift();
        pacer.answered();
      }
      if (pacer.mayWrite()) {
        pacer.wrote();
        sent.push(time.now());
        written += 1;
      }
    }
    expect(written).toBeGreaterThan(40);
    expect(pacer.roundTripMs).toBeGreaterThanOrEqual(300);
    // The link stops carrying: answers stop, the questions on their way grow overdue, and it is back to three.
    while (pacer.mayWrite()) {
      time.advance(67);
      pacer.wrote();
    }
    expect(pacer.framesInFlight).toBeLessThanOrEqual(12);
    time.advance(200);
    expect(pacer.mayWrite()).toBe(false);
  });

  it('the answer is DSR 5\'s, which the input sorting takes out as a status report', () => {
    expect(STATUS_QUERY).toBe('\x1b[5n');
    expect(sortTerminalInput('a\x1b[0nb')).toEqual({ typed: 'ab', reports: [{ kind: 'status' }], rest: '', cuts: [] });
  });
});

describe('VideoLayer with a pacer', () => {
  it('asks after each frame and skips frames (newest kept) while three are unanswered', () => {
    const chunks: string[] = [];
    const out = new Writable({ write: (chunk: Buffer, _enc, cb) => (chunks.push(chunk.toString()), cb()) });
    const pacer = new TerminalPacer({ now: () => 0 });
    const layer = new VideoLayer(out, { mode: 'truecolor', pacer });
    layer.setPanes([{ key: 'a', area: { x: 0, y: 0, cols: 20, rows: 6 }, mirror: false }]);
    for (let i = 0; i < 3; i++) {
      layer.submit('a', gradientImage(40, 24, i * 40));
      expect(layer.flush()).toBe(true);
    }
    expect(chunks.every((c) => c.endsWith(`\x1b[?2026l${STATUS_QUERY}`))).toBe(true);
    layer.submit('a', gradientImage(40, 24, 200));
    expect(layer.flush()).toBe(false);
    expect(layer.flushesSkipped).toBe(1);
    // One answer: the frame held back (the newest) goes.
    pacer.answered();
    expect(layer.flush()).toBe(true);
    expect(chunks).toHaveLength(4);
  });
});
