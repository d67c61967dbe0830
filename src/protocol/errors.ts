/**
 * Protocol errors. Each has a stable `code`; the same codes travel in REFUSE and BYE frames as reasons
 * (docs/protocol.md §6), so a user sees one clear sentence whichever side noticed the problem.
 */
import { CodedError } from '../util/coded-error.js';

export const ProtocolErrorCode = {
  FRAME_TOO_LARGE: 'LC_ERR_FRAME_TOO_LARGE',
  FRAME_TOO_SHORT: 'LC_ERR_FRAME_TOO_SHORT',
  UNKNOWN_FRAME_TYPE: 'LC_ERR_UNKNOWN_FRAME_TYPE',
  BAD_STREAM_KIND: 'LC_ERR_BAD_STREAM_KIND',
  BAD_CODEC: 'LC_ERR_BAD_CODEC',
  BAD_PAYLOAD: 'LC_ERR_BAD_PAYLOAD',
  DECODER_ERRORED: 'LC_ERR_DECODER_ERRORED',
} as const;
export type ProtocolErrorCodeValue = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/** Base class of every error the protocol layer throws. */
export class ProtocolError extends CodedError<ProtocolErrorCodeValue> {}
