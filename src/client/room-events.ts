import {
  FrameType,
  parseChatEntry,
  parseCongestion,
  parseParticipantJoined,
  parseParticipantLeft,
  parseState,
  type ChatEntry,
  type DecodedFrame,
  type ParticipantInfo,
  type StateMessage,
} from '../protocol/index.js';

/** What the server tells a joined session about its room: who comes and goes, chat, media states, congestion. */
export type RoomEvent =
  | { type: 'participant-joined'; participant: ParticipantInfo }
  | { type: 'participant-left'; id: number; name: string; reason: string }
  | { type: 'chat'; entry: ChatEntry }
  | ({ type: 'state'; id: number } & StateMessage)
  | { type: 'congestion'; receiverId: number; level: number };

/**
 * The room event a frame from the server carries (docs/protocol.md §4), or undefined for a frame of another type (pure).
 * A malformed payload throws ProtocolError, as the parsers do.
 */
export function roomEventOf(frame: DecodedFrame): RoomEvent | undefined {
  switch (frame.type) {
    case FrameType.PARTICIPANT_JOINED:
      return { type: 'participant-joined', participant: parseParticipantJoined(frame.payload) };
    case FrameType.PARTICIPANT_LEFT: {
      const left = parseParticipantLeft(frame.payload);
      return { type: 'participant-left', id: left.id, name: left.name, reason: left.reason };
    }
    case FrameType.CHAT:
      return { type: 'chat', entry: parseChatEntry(frame.payload) };
    case FrameType.CONGESTION: {
      const report = parseCongestion(frame.payload);
      return { type: 'congestion', receiverId: report.receiverId, level: report.level };
    }
    case FrameType.STATE: {
      const state = parseState(frame.payload);
      return { type: 'state', id: frame.sender, ...state };
    }
    default:
      return undefined;
  }
}
