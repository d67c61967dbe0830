// Minimal types for node-webcam 0.8 (it ships none): only what webcam-source.ts uses.
declare module 'node-webcam' {
  interface NodeWebcamOptions {
    width?: number;
    height?: number;
    quality?: number;
    delay?: number;
    saveShots?: boolean;
    output?: 'jpeg' | 'png' | 'bmp';
    device?: string | false;
    callbackReturn?: 'location' | 'buffer' | 'base64';
    verbose?: boolean;
  }
  interface NodeWebcamInstance {
    capture(location: string, callback: (err: Error | null, data: Buffer | string) => void): void;
  }
  const NodeWebcam: { create(options: NodeWebcamOptions): NodeWebcamInstance };
  export default NodeWebcam;
}
