import type { ChatEntry, ParticipantInfo, StreamKindValue } from '../protocol/index.js';

/** What a room needs of a participant's connection. */
export interface RoomMember {
  readonly id: number;
  readonly name: string;
  info(): ParticipantInfo;
  /** Queues an encoded frame for this member (flow control applies by kind). */
  deliver(kind: StreamKindValue, sender: number, raw: Uint8Array): void;
}

/**
 * One room: its members, a short chat history for late joiners, and fan-out to everyone but the sender.
 * Fan-out only queues: it never waits for any member's socket (SPEC §3).
 */
export class Room {
  private readonly members = new Map<number, RoomMember>();
  private readonly history: ChatEntry[] = [];

  constructor(
    readonly name: string,
    private readonly historyLength: number,
  ) {}

  get size(): number {
    return this.members.size;
  }

  memberNamed(name: string): RoomMember | undefined {
    const wanted = name.toLocaleLowerCase();
    for (const member of this.members.values()) if (member.name.toLocaleLowerCase() === wanted) return member;
    return undefined;
  }

  participants(): ParticipantInfo[] {
    return [...this.members.values()].map((m) => m.info());
  }

  chatHistory(): ChatEntry[] {
    return [...this.history];
  }

  add(member: RoomMember): void {
    this.members.set(member.id, member);
  }

  remove(id: number): boolean {
    return this.members.delete(id);
  }

  recordChat(entry: ChatEntry): void {
    this.history.push(entry);
    if (this.history.length > this.historyLength) this.history.shift();
  }

  /** Every member, in join order. */
  all(): IterableIterator<RoomMember> {
    return this.members.values();
  }

  /** Sends `raw` to every member except `exceptId`. */
  broadcast(exceptId: number, kind: StreamKindValue, sender: number, raw: Uint8Array): void {
    for (const member of this.members.values()) {
      if (member.id !== exceptId) member.deliver(kind, sender, raw);
    }
  }
}
