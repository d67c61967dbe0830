import { describe, expect, it } from 'vitest';
import { IncomingMedia } from '../../src/client/media-in.js';
import { Codec, FrameType, StreamKind, type DecodedFrame } from '../../src/protocol/index.js';

/** A relayed audio frame as the decoder hands it over; the server passes seq, ts, flags and payload on unread. */
function audio(sender: number, seq: number, ts: number, payload: Uint8Array, codec: number = Codec.PCM_S16LE): DecodedFrame {
  return { type: FrameType.MEDIA, kind: StreamKind.AUDIO, codec: codec as 3, flags: 0, sender, seq, ts, payload, raw: new Uint8Array(0) };
}

describe('IncomingMedia and what a hostile sender can relay (docs/protocol.md §2)', () => {
  it("drops audio it cannot decode, says so once per sender, and leaves the other senders' audio alone", () => {
    const heard: Array<{ id: number; seq: number; ts: number; samples: number }> = [];
    const notices: string[] = [];
    const media = new IncomingMedia(
      { onAudio: (id, seq, pcm, timing) => heard.push({ id, seq, ts: timing.captureTs, samples: pcm.length }), onNotice: (m) => notices.push(m) },
      undefined,
      () => 1_000_000,
    );
    media.addParticipant(2, 'mallory');
    media.addParticipant(3, 'alice');
    const frame = new Uint8Array(1920);
    const hostile = [
      audio(2, 5, 1_000_000 + 365 * 86_400_000, frame),
      audio(2, 4, Number.NaN, new Uint8Array(7)),
      audio(2, 0xffffffff, Number.POSITIVE_INFINITY, new Uint8Array(0)),
      audio(2, 3, -1e308, frame),
      audio(2, 9, 1_000_000, new Uint8Array(0), Codec.OPUS),
      audio(2, 10, 1_000_000, new Uint8Array([0xff, 0xff, 0xff]), Codec.OPUS),
    ];
    for (const [i, f] of hostile.entries()) {
      expect(() => media.onFrame(f, 1_000_000), `frame ${i}`).not.toThrow();
      media.onFrame(audio(3, i + 1, 999_990, frame), 1_000_000);
    }
    media.onFrame(audio(99, 1, 999_990, frame), 1_000_000); // nobody the room listed: ignored
    expect(heard.filter((h) => h.id === 3)).toEqual(hostile.map((_, i) => ({ id: 3, seq: i + 1, ts: 999_990, samples: 960 })));
    // Of mallory's, the two of the right size went on as they came (their stamps are the jitter buffer's to doubt).
    expect(heard.filter((h) => h.id === 2).map((h) => h.seq)).toEqual([5, 3]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('mallory');
    expect(heard.some((h) => h.id === 99)).toBe(false);
  });
});
