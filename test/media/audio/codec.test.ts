import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { SAMPLES_PER_FRAME } from '../../../src/media/audio/format.js';
import {
  PCM_FRAME_BYTES,
  SUPPORTED_AUDIO_CODECS,
  createAudioDecoder,
  createAudioEncoder,
  type AudioCodecName,
} from '../../../src/media/audio/codec.js';
import { AUDIO_ERROR_CODES } from '../../../src/media/audio/errors.js';
import { readWavFile } from '../../../src/media/audio/wav.js';
import { ToneGenerator } from '../../../src/media/audio/tone.js';
import { bestAlignedCorrelation, envelope, pearson, peak, snrDb } from './helpers.js';

async function roundTrip(codec: AudioCodecName): Promise<{ speech: Int16Array; out: Int16Array; bytesPerFrame: number }> {
  const speech = await readWavFile('fixtures/speech.wav');
  const enc = createAudioEncoder(codec);
  const dec = createAudioDecoder(codec);
  const frames = Math.floor(speech.length / SAMPLES_PER_FRAME);
  const out = new Int16Array(frames * SAMPLES_PER_FRAME);
  let bytes = 0;
  for (let f = 0; f < frames; f++) {
    const payload = enc.encode(speech.subarray(f * SAMPLES_PER_FRAME, (f + 1) * SAMPLES_PER_FRAME));
    bytes += payload.byteLength;
    const pcm = dec.decode(payload);
    expect(pcm.length).toBe(SAMPLES_PER_FRAME);
    out.set(pcm, f * SAMPLES_PER_FRAME);
  }
  enc.close();
  dec.close();
  return { speech, out, bytesPerFrame: bytes / frames };
}

describe('codec round trip on speech (fixtures/speech.wav, espeak-ng, 48 kHz mono)', () => {
  test('pcm is bit-exact', async () => {
    const { speech, out, bytesPerFrame } = await roundTrip('pcm');
    expect(bytesPerFrame).toBe(PCM_FRAME_BYTES);
    expect(Array.from(out)).toEqual(Array.from(speech.subarray(0, out.length)));
  });

  test('opus at 24 kbit/s keeps the speech', async () => {
    const { speech, out, bytesPerFrame } = await roundTrip('opus');
    // Opus delays its output by its 6.5 ms look-ahead (312 samples); search a little more than that.
    const { lag, corr } = bestAlignedCorrelation(speech, out, 1200);
    expect(lag).toBeGreaterThan(200);
    expect(lag).toBeLessThan(400);
    // Measured here: correlation 0.96, SNR 11 dB, envelope correlation 0.998, 58 bytes per frame. Opus is a
    // perceptual codec, so the waveform is not exact; the thresholds leave room for other libopus builds while
    // failing for every real breakage we can think of (byte order, frame size, silence or noise out: all ≈ 0).
    expect(corr).toBeGreaterThan(0.85);
    expect(snrDb(speech, out, lag)).toBeGreaterThan(6);
    expect(pearson(envelope(speech, 960), envelope(out.subarray(lag), 960))).toBeGreaterThan(0.97);
    // 24 kbit/s is 60 bytes per 20 ms frame; allow the encoder's variable rate around it.
    expect(bytesPerFrame).toBeGreaterThan(40);
    expect(bytesPerFrame).toBeLessThan(80);
  });
});

describe('encoders reject wrong frames', () => {
  test.each(SUPPORTED_AUDIO_CODECS)('%s: a frame of the wrong size throws LC_ERR_AUDIO_ENCODE', (codec) => {
    const enc = createAudioEncoder(codec);
    expect(() => enc.encode(new Int16Array(100))).toThrow(expect.objectContaining({ code: AUDIO_ERROR_CODES.ENCODE }));
    enc.close();
  });
});

test('an unknown codec throws LC_ERR_AUDIO_CODEC_UNSUPPORTED', () => {
  expect(() => createAudioDecoder('mp3' as AudioCodecName)).toThrow(
    expect.objectContaining({ code: AUDIO_ERROR_CODES.CODEC_UNSUPPORTED }),
  );
});

describe('decoders survive garbage', () => {
  const cases: Array<{ name: string; payload: Uint8Array }> = [
    { name: 'empty', payload: new Uint8Array(0) },
    { name: 'one byte', payload: Uint8Array.of(0xff) },
    { name: 'oversized', payload: new Uint8Array(5000).fill(7) },
    { name: 'odd PCM length', payload: new Uint8Array(1919) },
  ];
  test.each(SUPPORTED_AUDIO_CODECS)('%s: table of bad payloads throws LC_ERR_AUDIO_DECODE', (codec) => {
    const dec = createAudioDecoder(codec);
    for (const { payload } of cases) {
      expect(() => dec.decode(payload)).toThrow(expect.objectContaining({ code: AUDIO_ERROR_CODES.DECODE }));
    }
    dec.close();
  });

  test('opus: 5,000 random payloads give a frame or a coded error, and the decoder still decodes', () => {
    const enc = createAudioEncoder('opus');
    const dec = createAudioDecoder('opus');
    const tone = new ToneGenerator(440, 0.5);
    for (let i = 0; i < 5000; i++) {
      const garbage = randomBytes(1 + (i % 400));
      try {
        expect(dec.decode(garbage).length).toBe(SAMPLES_PER_FRAME);
      } catch (err) {
        expect((err as { code?: string }).code).toBe(AUDIO_ERROR_CODES.DECODE);
      }
    }
    // After the garbage, real packets decode to a loud tone again (the state recovers within a few frames).
    let last: Int16Array = new Int16Array(0);
    for (let i = 0; i < 10; i++) last = dec.decode(enc.encode(tone.next()));
    expect(peak(last)).toBeGreaterThan(8000);
    enc.close();
    dec.close();
  });

  test('two opus instances do not disturb each other (opusscript shares one WASM heap)', () => {
    const frames = Array.from({ length: 20 }, (_, i) => new ToneGenerator(300 + i * 10, 0.5).next());
    const solo = createAudioEncoder('opus');
    const expected = frames.map((f) => Buffer.from(solo.encode(f)).toString('hex'));
    solo.close();
    const a = createAudioEncoder('opus');
    const b = createAudioEncoder('opus');
    const noise = createAudioDecoder('opus');
    const got = frames.map((f) => {
      b.encode(f.map((v) => -v));
      noise.decode(b.encode(f));
      return Buffer.from(a.encode(f)).toString('hex');
    });
    expect(got).toEqual(expected);
    a.close();
    b.close();
    noise.close();
  });
});

describe('many Opus codecs at once (a large room)', () => {
  test('an encoder and decoder made first still work after 200 more decoders grew the shared WASM heap', () => {
    const encoder = createAudioEncoder('opus');
    const decoder = createAudioDecoder('opus');
    const tone = new ToneGenerator(440, 0.3);
    decoder.decode(encoder.encode(tone.next()));
    const more = Array.from({ length: 200 }, () => createAudioDecoder('opus'));
    try {
      expect(decoder.decode(encoder.encode(tone.next()))).toHaveLength(SAMPLES_PER_FRAME);
    } finally {
      for (const d of more) d.close();
      encoder.close();
      decoder.close();
    }
  });
});
