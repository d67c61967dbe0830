/**
 * Numbers of the wire protocol. Every value here is specified in docs/protocol.md; change both together.
 */

/** Protocol version carried in HELLO (docs/protocol.md §4). Bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;
/** Magic string in HELLO so a stray client of another protocol is refused with a reason, not misparsed. */
export const PROTOCOL_NAME = 'livecomm';

/** Bytes of the fixed header, including the 4-byte length field (docs/protocol.md §2). */
export const HEADER_BYTES = 24;
/** Bytes after the length field that belong to the header. */
export const HEADER_AFTER_LENGTH = HEADER_BYTES - 4;

/** Frame types (docs/protocol.md §3). */
export const FrameType = {
  HELLO: 0x01,
  CHALLENGE: 0x02,
  AUTH: 0x03,
  WELCOME: 0x04,
  REFUSE: 0x05,
  PARTICIPANT_JOINED: 0x06,
  PARTICIPANT_LEFT: 0x07,
  STATE: 0x08,
  CHAT: 0x09,
  PING: 0x0a,
  PONG: 0x0b,
  BYE: 0x0c,
  CONGESTION: 0x0e,
  ACK: 0x0f,
  MEDIA: 0x10,
  RECEIVE: 0x11,
} as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

/** Stream kinds: decide the size limit and the flow-control class of a frame (docs/protocol.md §5). */
export const StreamKind = {
  CONTROL: 0,
  VIDEO: 1,
  AUDIO: 2,
  CHAT: 3,
} as const;
export type StreamKindValue = (typeof StreamKind)[keyof typeof StreamKind];

/**
 * Bits of a frame's `flags` byte (docs/protocol.md §2). Receivers ignore bits they do not know, so a new bit needs
 * no negotiation; the server relays flags untouched.
 */
export const FrameFlag = {
  /**
   * On an audio frame: the last frame of a talk spurt. The sender sends no more audio until it hears speech again
   * (voice activity transmission, docs/protocol.md §4.3), so the gap that follows is silence, not loss.
   */
  SPURT_END: 0x01,
  /**
   * On an audio frame: captured before its talk spurt opened (the soft start of a word) and sent with the frame that
   * opened it, so late on purpose: its lateness is not network delay (docs/protocol.md §4.3).
   */
  PREROLL: 0x02,
} as const;

/** Payload codecs (docs/protocol.md §2). Control frames use JSON, media frames a binary codec. */
export const Codec = {
  NONE: 0,
  JSON: 1,
  JPEG: 2,
  PCM_S16LE: 3,
  OPUS: 4,
} as const;
export type CodecValue = (typeof Codec)[keyof typeof Codec];

/** Largest payload per stream kind, checked before a byte of payload is buffered (docs/protocol.md §5). */
export const MAX_PAYLOAD_BYTES: Record<StreamKindValue, number> = {
  [StreamKind.CONTROL]: 64 * 1024,
  [StreamKind.VIDEO]: 256 * 1024,
  [StreamKind.AUDIO]: 8 * 1024,
  [StreamKind.CHAT]: 8 * 1024,
};
/** Largest value the length field may hold: the biggest header-plus-payload of any kind. */
export const MAX_FRAME_LENGTH = HEADER_AFTER_LENGTH + MAX_PAYLOAD_BYTES[StreamKind.VIDEO];

/** Which kinds each frame type may travel as; anything else is malformed. */
export const KIND_OF_TYPE: Record<FrameTypeValue, StreamKindValue[]> = {
  [FrameType.HELLO]: [StreamKind.CONTROL],
  [FrameType.CHALLENGE]: [StreamKind.CONTROL],
  [FrameType.AUTH]: [StreamKind.CONTROL],
  [FrameType.WELCOME]: [StreamKind.CONTROL],
  [FrameType.REFUSE]: [StreamKind.CONTROL],
  [FrameType.PARTICIPANT_JOINED]: [StreamKind.CONTROL],
  [FrameType.PARTICIPANT_LEFT]: [StreamKind.CONTROL],
  [FrameType.STATE]: [StreamKind.CONTROL],
  [FrameType.CHAT]: [StreamKind.CHAT],
  [FrameType.PING]: [StreamKind.CONTROL],
  [FrameType.PONG]: [StreamKind.CONTROL],
  [FrameType.BYE]: [StreamKind.CONTROL],
  [FrameType.CONGESTION]: [StreamKind.CONTROL],
  [FrameType.ACK]: [StreamKind.CONTROL],
  [FrameType.MEDIA]: [StreamKind.VIDEO, StreamKind.AUDIO],
  [FrameType.RECEIVE]: [StreamKind.CONTROL],
};

/** Sender id the server uses for its own frames. Participants get ids from 1. */
export const SERVER_SENDER_ID = 0;

/** Default TCP port (SPEC §1). */
export const DEFAULT_PORT = 7447;

/** Text limits (docs/protocol.md §4). */
export const MAX_NAME_LENGTH = 32;
export const MAX_ROOM_LENGTH = 32;
export const MAX_CHAT_LENGTH = 2000;
/**
 * CHAT, STATE and RECEIVE frames a participant may send (docs/protocol.md §4.3): each costs every other member a
 * frame, so one participant flooding them could push a slow member's control queue over its cap. Clients pace
 * themselves well inside this (CLIENT_CHAT_PACE, CLIENT_STATE_PACE: at most 40 at once and 9 a second together).
 */
export const MESSAGE_LIMIT = { perSecond: 20, burst: 60 } as const;
/**
 * CHAT payload bytes a participant may send (docs/protocol.md §4.3): at MESSAGE_LIMIT, messages of 2,000 characters
 * (up to 8 KB of UTF-8 each) would still be 160 KB/s to every member, more than a slow member's whole link.
 */
export const CHAT_BYTE_LIMIT = { perSecond: 8 * 1024, burst: 64 * 1024 } as const;
/**
 * CHAT payload bytes all the connections from one address (limitKeyOf) may send together (docs/protocol.md §4.3):
 * each new connection starts with a full CHAT_BYTE_LIMIT, so one client joining again and again pushed chat at 80
 * times the rate a connection may, enough to fill a briefly stalled member's control queue past its cap. Four
 * connections' worth: people behind one NAT pasting at once stay inside it.
 */
export const ADDRESS_CHAT_BYTE_LIMIT = { perSecond: 4 * CHAT_BYTE_LIMIT.perSecond, burst: 4 * CHAT_BYTE_LIMIT.burst } as const;
/**
 * MEDIA a participant may send (docs/protocol.md §4.3), in frames and in bytes. A sender makes 50 audio frames and
 * up to 15 video frames a second, at most ~1.3 MB/s at the highest --video-bitrate; the bursts hold ten seconds of
 * that, what a link that stalled delivers at once when it recovers. A flood of small frames at link speed (which
 * took the server to half a core and every member's audio to a 93 ms p99) ends within a fraction of a second.
 */
export const MEDIA_FRAME_LIMIT = { perSecond: 150, burst: 1000 } as const;
export const MEDIA_BYTE_LIMIT = { perSecond: 2 * 1024 * 1024, burst: 16 * 1024 * 1024 } as const;
/**
 * PING, PONG and ACK frames a connection may send (docs/protocol.md §4.3), joined or not. A client pings and answers
 * pings every few seconds and acknowledges every 25–50 ms, or at once per read when 16 KiB are owed (this one:
 * 135–150 a second while receiving 8–9 MB/s on loopback). A flood of empty ACKs at link speed (1.4 million a
 * second) took the server to 85 % of a core and another room's audio p99 from 8 to 105 ms.
 */
export const CONTROL_FRAME_LIMIT = { perSecond: 500, burst: 2000 } as const;
/** How fast a client sends chat: a long paste goes at this pace, in messages and in bytes. */
export const CLIENT_CHAT_PACE = { perSecond: 5, burst: 20 } as const;
export const CLIENT_CHAT_BYTE_PACE = { perSecond: 4 * 1024, burst: 32 * 1024 } as const;
/** How fast a client sends STATE, and RECEIVE, changes (each its own): faster ones fold into the next. */
export const CLIENT_STATE_PACE = { perSecond: 2, burst: 10 } as const;

/**
 * Optional protocol features, negotiated without a version bump (docs/protocol.md §4.4): a client lists what it
 * understands in HELLO `caps.feedback`, the server lists what it will use in WELCOME `features`. A side sends a
 * feature's frames only when the other side listed it.
 */
export const Feature = {
  /** ACK frames: receive-side byte counts that bound the bytes in flight (docs/protocol.md §5.1). */
  ACK: 'ack',
  /** CONGESTION frames: the server tells senders that a receiver of theirs is congested (docs/protocol.md §5.2). */
  CONGESTION: 'congestion',
  /** RECEIVE frames: a client asks the server to stop or resume sending it video (docs/protocol.md §4.5). */
  RECEIVE: 'receive',
} as const;
export type FeatureValue = (typeof Feature)[keyof typeof Feature];

/** Congestion levels in CONGESTION frames: 0 clear, 1 video is being thinned, 2 audio is at risk. */
export const CongestionLevel = {
  CLEAR: 0,
  VIDEO_THINNED: 1,
  AUDIO_AT_RISK: 2,
} as const;
export type CongestionLevelValue = (typeof CongestionLevel)[keyof typeof CongestionLevel];
