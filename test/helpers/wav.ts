import { readFileSync } from 'node:fs';

/** Parses a 16-bit PCM WAV file strictly enough to tell whether its header sizes are right. */
export function readWav(path: string): { sampleRate: number; channels: number; samples: Int16Array; riffSizeOk: boolean } {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path} is not a WAV file`);
  const riffSizeOk = buf.readUInt32LE(4) === buf.length - 8;
  let offset = 12;
  let sampleRate = 0;
  let channels = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(offset + 10);
      sampleRate = buf.readUInt32LE(offset + 12);
    } else if (id === 'data') {
      if (offset + 8 + size !== buf.length) throw new Error(`${path}: data size ${size} does not match the file`);
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(offset + 8 + i * 2);
      return { sampleRate, channels, samples, riffSizeOk };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Dominant frequency by zero crossings over the non-silent samples. */
export function zeroCrossingHz(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  let counted = 0;
  for (let i = 1; i < samples.length; i++) {
    if (Math.abs(samples[i]!) < 50 && Math.abs(samples[i - 1]!) < 50) continue;
    counted++;
    if ((samples[i - 1]! < 0) !== (samples[i]! < 0)) crossings++;
  }
  return counted ? (crossings / 2) * (sampleRate / counted) : 0;
}
