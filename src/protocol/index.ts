/** The wire protocol: pure encode/decode, no sockets (docs/protocol.md). */
export * from './constants.js';
export * from './errors.js';
export * from './frame.js';
export * from './decoder.js';
export * from './messages.js';
export * from './auth.js';
export * from './reasons.js';
