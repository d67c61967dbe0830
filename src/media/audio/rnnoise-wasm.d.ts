// Minimal types for @echogarden/rnnoise-wasm 0.2 (it ships none): the Emscripten module factory and what
// noise-suppressor.ts uses of the module.
declare module '@echogarden/rnnoise-wasm' {
  export interface RnnoiseModule {
    _rnnoise_create(model: number): number;
    _rnnoise_destroy(state: number): void;
    _rnnoise_process_frame(state: number, out: number, input: number): number;
    _rnnoise_get_frame_size(): number;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    HEAPF32: Float32Array;
  }
  /** Emscripten's module settings; `print`/`printErr` replace its console output. */
  export interface RnnoiseModuleSettings {
    print?: (text: string) => void;
    printErr?: (text: string) => void;
  }
  const createRnnoiseModule: (settings?: RnnoiseModuleSettings) => Promise<RnnoiseModule>;
  export default createRnnoiseModule;
}
