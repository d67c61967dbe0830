/** What one connection of a call has counted of its own sending (Session). */
export interface LinkCounts {
  /** Bytes of whole frames that reached the server. */
  readonly bytesDelivered: number;
  /** Video frames its send queue dropped (a slow uplink). */
  readonly videoFramesDropped: number;
}

/**
 * The call's sending over all its connections: each reconnect starts a connection counting from zero, and the stats
 * count the whole call. Pure, with the time passed in.
 */
export class UplinkTotals {
  private earlierBytes = 0;
  private earlierDropped = 0;
  private lastBytes = 0;

  constructor(private lastSampleAt: number) {}

  /** `link` is being replaced by a new connection: what it delivered and dropped still counts. */
  retire(link: LinkCounts): void {
    this.earlierBytes += link.bytesDelivered;
    this.earlierDropped += link.videoFramesDropped;
  }

  /**
   * Kbit/s that reached the server since the last sample (not what was handed to the queue: frames a slow uplink
   * dropped never left, and bytes in a stalled path's buffers have not arrived), and video frames dropped in the
   * queues so far; `link` is the connection now, if any.
   */
  sample(nowMs: number, link: LinkCounts | undefined): { windowMs: number; uplinkKbps: number; videoFramesDropped: number } {
    const windowMs = Math.max(1, nowMs - this.lastSampleAt);
    this.lastSampleAt = nowMs;
    const bytes = this.earlierBytes + (link?.bytesDelivered ?? 0);
    const uplinkKbps = Math.round(((bytes - this.lastBytes) * 8) / windowMs * 10) / 10;
    this.lastBytes = bytes;
    return { windowMs, uplinkKbps, videoFramesDropped: this.earlierDropped + (link?.videoFramesDropped ?? 0) };
  }
}
