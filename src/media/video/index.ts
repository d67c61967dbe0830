/**
 * The video side's public surface (SPEC §4 video and rendering): sources, JPEG, scaling, colour modes and the pane
 * renderer with its terminal writer. Other layers import from here rather than from individual files.
 */
export type { CapturedFrame, VideoSource, VideoSourceOptions } from './source.js';
export { DEFAULT_VIDEO_OPTIONS } from './source.js';
export * from './errors.js';
export type { RgbaImage } from './image.js';
export { createJpegEncoder, decodeJpeg, readJpegInfo, DEFAULT_JPEG_QUALITY, DEFAULT_JPEG_DECODE_OPTIONS } from './jpeg.js';
export type { JpegEncoder, JpegDecodeOptions, JpegInfo } from './jpeg.js';
export { fitInside, scaleRgba, type Size } from './scale.js';
export {
  COLOR_MODES,
  detectColorMode,
  resolveColorMode,
  worthAskingTerminal,
  type ColorProbes,
  isColorModeSetting,
  type ColorMode,
  type ColorModeSetting,
  type ColorEnv,
} from './color.js';
export { createPaneRenderer, type PaneRenderer, type PaneRendererOptions, type PaneGeometry } from './render-pane.js';
export { renderStill, type StillOptions } from './render-still.js';
export { gridRegion, type GridRegion } from './render-grid.js';
export { rgbaForFrame } from './frames.js';
export { MjpegSplitter } from './mjpeg-splitter.js';
export { createVideoSource, VIDEO_SOURCE_FORMS, type CreatedVideoSource, type VideoSourceDeps } from './create-source.js';
export { listCameras, type CameraInfo, type CameraScanOptions } from './cameras.js';
export { findExecutable } from './ffmpeg-process.js';
