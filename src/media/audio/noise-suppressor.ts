/**
 * Noise suppression for the microphone: RNNoise (Xiph's recurrent-network denoiser, compiled to WebAssembly), as
 * Discord, Meet and Teams clean a microphone by default. A fan, a hum or traffic drops by tens of dB (a fan-like noise:
 * −34 → −77 dBFS), keyboard clicks by a few, and speech passes almost untouched (0.996 correlation on
 * fixtures/speech.wav) ten milliseconds later. The voice activity gate then opens for voices, not for the fan.
 *
 * RNNoise works on 10 ms frames of 48 kHz float samples in 16-bit range: each 20 ms frame is two of them. Pure
 * computation (no I/O) once the module is loaded; it costs ~0.3 ms of CPU per 20 ms frame here (~1.5 % of a core,
 * bench/audio-codec.ts).
 */
import createRnnoiseModule, { type RnnoiseModule } from '@echogarden/rnnoise-wasm';
import { SAMPLES_PER_FRAME, processedSource, type AudioSource } from './format.js';

let loading: Promise<RnnoiseModule> | undefined;

export class NoiseSuppressor {
  private readonly state: number;
  private readonly input: number;
  private readonly output: number;
  private readonly frameSize: number;
  private destroyed = false;
  /** RNNoise's voice probability (0–1) of the latest 10 ms (tests read it; nothing in the call does yet). */
  voiceProbability = 0;

  private constructor(private readonly rnnoise: RnnoiseModule) {
    this.frameSize = rnnoise._rnnoise_get_frame_size();
    if (SAMPLES_PER_FRAME % this.frameSize !== 0) throw new Error(`RNNoise frames of ${this.frameSize} samples do not divide ours`);
    this.state = rnnoise._rnnoise_create(0);
    this.input = rnnoise._malloc(this.frameSize * 4);
    this.output = rnnoise._malloc(this.frameSize * 4);
  }

  /** Loads the WebAssembly module (once per process, ~5 ms) and makes a suppressor with its own state. */
  static async create(): Promise<NoiseSuppressor> {
    // Nothing may print over the call screen (SPEC §4): Emscripten's console output goes nowhere.
    loading ??= createRnnoiseModule({ print: () => {}, printErr: () => {} });
    return new NoiseSuppressor(await loading);
  }

  /** A microphone frame; returns it denoised (a new array: sources may reuse theirs). */
  process(pcm: Int16Array): Int16Array {
    if (this.destroyed) return pcm;
    const out = new Int16Array(pcm.length);
    for (let start = 0; start + this.frameSize <= pcm.length; start += this.frameSize) {
      // The heap's view is taken anew each time: it is replaced if the module's memory grows.
      const heap = this.rnnoise.HEAPF32;
      const inAt = this.input >> 2;
      for (let i = 0; i < this.frameSize; i++) heap[inAt + i] = pcm[start + i]!;
      this.voiceProbability = this.rnnoise._rnnoise_process_frame(this.state, this.output, this.input);
      const outAt = this.output >> 2;
      const result = this.rnnoise.HEAPF32;
      for (let i = 0; i < this.frameSize; i++) {
        const sample = Math.round(result[outAt + i]!);
        out[start + i] = sample > 32767 ? 32767 : sample < -32768 ? -32768 : sample;
      }
    }
    return out;
  }

  /** Frees its WebAssembly memory; later frames pass through unchanged. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.rnnoise._rnnoise_destroy(this.state);
    this.rnnoise._free(this.input);
    this.rnnoise._free(this.output);
  }
}

/** `source` with noise suppression applied to each frame; stopping it frees the suppressor. */
export function suppressNoise(source: AudioSource, suppressor: NoiseSuppressor): AudioSource {
  return processedSource(source, 'noise suppression', (pcm) => suppressor.process(pcm), () => suppressor.destroy());
}
