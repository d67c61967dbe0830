import {
  CHAT_BYTE_LIMIT,
  CONTROL_FRAME_LIMIT,
  MEDIA_BYTE_LIMIT,
  MEDIA_FRAME_LIMIT,
  MESSAGE_LIMIT,
} from '../protocol/index.js';
import { TokenBucket } from '../util/token-bucket.js';

/**
 * What one connection may send per second (docs/protocol.md §4.3), pure: each check takes a frame's share and returns
 * why the connection is flooding, or undefined while it is within its limits. A client that keeps to its own pacing
 * never comes near them; the peer ends a connection that goes over one.
 */
export class PeerLimits {
  private readonly messages: TokenBucket;
  private readonly chatBytes: TokenBucket;
  private readonly controlFrames: TokenBucket;
  private readonly mediaFrames: TokenBucket;
  private readonly mediaBytes: TokenBucket;

  constructor(now: number) {
    this.messages = new TokenBucket(MESSAGE_LIMIT.perSecond, MESSAGE_LIMIT.burst, now);
    this.chatBytes = new TokenBucket(CHAT_BYTE_LIMIT.perSecond, CHAT_BYTE_LIMIT.burst, now);
    this.controlFrames = new TokenBucket(CONTROL_FRAME_LIMIT.perSecond, CONTROL_FRAME_LIMIT.burst, now);
    this.mediaFrames = new TokenBucket(MEDIA_FRAME_LIMIT.perSecond, MEDIA_FRAME_LIMIT.burst, now);
    this.mediaBytes = new TokenBucket(MEDIA_BYTE_LIMIT.perSecond, MEDIA_BYTE_LIMIT.burst, now);
  }

  /** A PING, PONG or ACK. */
  controlFrame(now: number): string | undefined {
    if (!this.controlFrames.take(now)) return `more than ${CONTROL_FRAME_LIMIT.perSecond} pings, pongs and acknowledgements a second`;
    return undefined;
  }

  /** A STATE or RECEIVE message (`chatBytes` undefined), or a chat message of `chatBytes` bytes. */
  message(now: number, chatBytes?: number): string | undefined {
    if (!this.messages.take(now)) return `more than ${MESSAGE_LIMIT.perSecond} chat messages and state changes a second`;
    if (chatBytes !== undefined && !this.chatBytes.take(now, chatBytes)) return `more than ${CHAT_BYTE_LIMIT.perSecond / 1024} KiB of chat a second`;
    return undefined;
  }

  /** A media frame of `bytes` bytes on the wire. */
  media(now: number, bytes: number): string | undefined {
    if (!this.mediaFrames.take(now)) return `more than ${MEDIA_FRAME_LIMIT.perSecond} media frames a second`;
    if (!this.mediaBytes.take(now, bytes)) return `more than ${MEDIA_BYTE_LIMIT.perSecond / 1024 / 1024} MiB of media a second`;
    return undefined;
  }
}
