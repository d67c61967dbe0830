/**
 * Audio CPU costs per 20 ms frame (SPEC §5: client CPU ≤ 30 % of a core in a 4-person call; one frame period is
 * 20,000 µs, so these numbers read directly as a share of that budget): Opus and PCM encode/decode on the speech
 * fixture, Opus concealment, the jitter buffer's push+pull, the mixer with four talkers, and speaking detection.
 *
 * `runAudioBench()` returns the rows; run as the entry module it prints them as a table.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { fixturePath } from './paths.js';
import { SAMPLES_PER_FRAME } from '../src/media/audio/format.js';
import { createAudioDecoder, createAudioEncoder, type AudioCodecName } from '../src/media/audio/codec.js';
import { JitterBuffer } from '../src/media/audio/jitter-buffer.js';
import { AudioMixer } from '../src/media/audio/mixer.js';
import { EchoCanceller } from '../src/media/audio/echo-canceller.js';
import { EchoSuppressor } from '../src/media/audio/echo-suppressor.js';
import { NoiseSuppressor } from '../src/media/audio/noise-suppressor.js';
import { SpeakingDetector } from '../src/media/audio/level.js';
import { parseWav, toMono48k } from '../src/media/audio/wav.js';

/** One measured operation. */
export interface AudioBenchRow {
  name: string;
  /** Mean CPU time per 20 ms frame, in microseconds. */
  usPerFrame: number;
  /** Share of one core at 50 frames/s, in percent. */
  corePercent: number;
  /** Extra facts (payload size). */
  note: string;
}

function speechFrames(): Int16Array[] {
  const path = fixturePath('speech.wav');
  const pcm = toMono48k(parseWav(readFileSync(path)));
  const frames: Int16Array[] = [];
  for (let i = 0; i + SAMPLES_PER_FRAME <= pcm.length; i += SAMPLES_PER_FRAME) frames.push(pcm.slice(i, i + SAMPLES_PER_FRAME));
  return frames;
}

// Runs `op` over `iterations` frames after a warm-up (JIT, WASM), returns µs per call.
function time(iterations: number, op: (i: number) => void): number {
  for (let i = 0; i < Math.min(200, iterations); i++) op(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) op(i);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

function row(name: string, usPerFrame: number, note = ''): AudioBenchRow {
  return { name, usPerFrame: Math.round(usPerFrame * 10) / 10, corePercent: Math.round((usPerFrame / 20_000) * 10_000) / 100, note };
}

/** Measures the audio pipeline's pure stages. `iterations` frames each (default 3,000 = one minute of audio). */
export async function runAudioBench(iterations = 3000): Promise<AudioBenchRow[]> {
  const frames = speechFrames();
  const rows: AudioBenchRow[] = [];
  for (const codec of ['opus', 'pcm'] as AudioCodecName[]) {
    const enc = createAudioEncoder(codec);
    const payloads = frames.map((f) => enc.encode(f));
    const bytes = payloads.reduce((s, p) => s + p.byteLength, 0) / payloads.length;
    rows.push(row(`${codec} encode`, time(iterations, (i) => enc.encode(frames[i % frames.length]!)), `${bytes.toFixed(0)} B/frame, ${((bytes * 8 * 50) / 1000).toFixed(1)} kbit/s`));
    const dec = createAudioDecoder(codec);
    rows.push(row(`${codec} decode`, time(iterations, (i) => dec.decode(payloads[i % payloads.length]!))));
    enc.close();
    dec.close();
  }
  let now = 0;
  const jb = new JitterBuffer<number>({ now: () => now });
  rows.push(
    row('jitter buffer push+pull', time(iterations, (i) => {
      now = i * 20;
      jb.push(i, i, now + (i % 5) * 7);
      jb.pull();
    })),
  );
  const mixer = new AudioMixer();
  const talkers = ['a', 'b', 'c', 'd'];
  rows.push(row('mixer, 4 talkers', time(iterations, (i) => mixer.mix(talkers.map((id, k) => [id, frames[(i + k * 7) % frames.length]!] as const)))));
  const detector = new SpeakingDetector();
  rows.push(row('speaking detector', time(iterations, (i) => detector.update(frames[i % frames.length]!))));
  const suppressor = new EchoSuppressor();
  rows.push(
    row('echo suppressor (far + near frame)', time(iterations, (i) => {
      suppressor.farEnd(frames[i % frames.length]!);
      suppressor.process(frames[(i + 11) % frames.length]!);
    })),
  );
  const canceller = new EchoCanceller();
  rows.push(
    row('echo canceller (far + near frame)', time(iterations, (i) => {
      canceller.farEnd(frames[i % frames.length]!);
      canceller.process(frames[(i + 11) % frames.length]!);
    }), 'microphone and speaker, 400 ms tail'),
  );
  const denoiser = await NoiseSuppressor.create();
  rows.push(row('noise suppressor (RNNoise, wasm)', time(iterations, (i) => denoiser.process(frames[i % frames.length]!)), 'microphones only, 10 ms delay'));
  denoiser.destroy();
  return rows;
}

/** Formats rows as an aligned text table. */
export function formatAudioBench(rows: AudioBenchRow[]): string {
  const header = ['stage', 'µs/frame', '% core', 'note'];
  const body = rows.map((r) => [r.name, r.usPerFrame.toFixed(1), r.corePercent.toFixed(2), r.note]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  return [header, ...body].map((cells) => cells.map((x, c) => (c === 1 || c === 2 ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join('  ')).join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatAudioBench(await runAudioBench()));
}
