import { Session, type SessionEvent, type SessionOptions } from '../../src/client/session.js';

/** An honest client (the real Session) that records its events, for assertions. */
export class RecordingSession {
  readonly events: SessionEvent[] = [];
  readonly session: Session;
  private waiters: Array<() => void> = [];

  constructor(options: Partial<SessionOptions> & { port: number; name: string }) {
    this.session = new Session({
      target: options.target ?? { host: '127.0.0.1', port: options.port },
      room: options.room ?? 'main',
      audioCodecs: ['pcm'],
      ...options,
    });
    this.session.on((event) => {
      this.events.push(event);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
  }

  start(): ReturnType<Session['start']> {
    return this.session.start();
  }

  of<T extends SessionEvent['type']>(type: T): Array<Extract<SessionEvent, { type: T }>> {
    return this.events.filter((e): e is Extract<SessionEvent, { type: T }> => e.type === type);
  }

  async waitFor<T extends SessionEvent['type']>(
    type: T,
    predicate: (e: Extract<SessionEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<SessionEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(type).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${type}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}
