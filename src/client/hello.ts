import { Feature, PROTOCOL_NAME, PROTOCOL_VERSION, type HelloMessage } from '../protocol/index.js';
import type { SessionOptions } from './session.js';

const CLIENT_NAME = 'livecomm-tui/0.1.0';

/** The optional features (docs/protocol.md §4.4) a session offers: all but those its options turn off. */
export function offeredFeatures(wanted: SessionOptions['features'] = {}): string[] {
  const out: string[] = [];
  if (wanted.ack !== false) out.push(Feature.ACK);
  if (wanted.congestion !== false) out.push(Feature.CONGESTION);
  if (wanted.receive !== false) out.push(Feature.RECEIVE);
  return out;
}

/** The HELLO a session opens with (docs/protocol.md §4.1), with your mute and camera state as of now. */
export function helloMessage(options: SessionOptions): HelloMessage {
  return {
    protocol: PROTOCOL_NAME,
    version: PROTOCOL_VERSION,
    name: options.name,
    room: options.room,
    client: options.clientName ?? CLIENT_NAME,
    caps: { video: ['jpeg'], audio: options.audioCodecs ?? ['pcm'], feedback: offeredFeatures(options.features) },
    ...(options.resumeToken ? { resumeToken: options.resumeToken } : {}),
    ...(options.initialState ? { state: options.initialState() } : {}),
  };
}
