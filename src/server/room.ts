import type { ChatEntry, ParticipantInfo, StreamKindValue } from '../protocol/index.js';
import { nameKey } from './names.js';

/** What a room needs of a participant's connection. */
export interface RoomMember {
  readonly id: number;
  readonly name: string;
  info(): ParticipantInfo;
  /** Queues an encoded frame for this member (flow control applies by kind). */
  deliver(kind: StreamKindValue, sender: number, raw: Uint8Array): void;
}

/** The most chat a room keeps, in bytes of JSON: with the member list it must fit one WELCOME (64 KiB). */
const HISTORY_BYTES = 32 * 1024;

/**
 * One room: its members, a short chat history for late joiners, and fan-out to everyone but the sender.
 * Fan-out only queues: it never waits for any member's socket (SPEC §3).
 */
export class Room {
  private readonly members = new Map<number, RoomMember>();
  private readonly history: ChatEntry[] = [];
  /** Each history entry's size as JSON, in step with `history`. */
  private readonly historySizes: number[] = [];
  private historyBytes = 0;

  constructor(
    readonly name: string,
    private readonly historyLength: number,
  ) {}

  get size(): number {
    return this.members.size;
  }

  memberNamed(name: string): RoomMember | undefined {
    const wanted = nameKey(name);
    for (const member of this.members.values()) if (nameKey(member.name) === wanted) return member;
    return undefined;
  }

  participants(): ParticipantInfo[] {
    return [...this.members.values()].map((m) => m.info());
  }

  /** The newest chat entries whose JSON array takes at most `budgetBytes`, oldest first. */
  chatHistoryWithin(budgetBytes: number): ChatEntry[] {
    // An array of n entries is its brackets, the entries and n − 1 commas: 1 byte, and each entry's size + 1.
    let used = 1;
    let first = this.history.length;
    while (first > 0 && used + this.historySizes[first - 1]! + 1 <= budgetBytes) {
      first -= 1;
      used += this.historySizes[first]! + 1;
    }
    return this.history.slice(first);
  }

  add(member: RoomMember): void {
    this.members.set(member.id, member);
  }

  remove(id: number): boolean {
    return this.members.delete(id);
  }

  recordChat(entry: ChatEntry): void {
    const size = Buffer.byteLength(JSON.stringify(entry));
    this.history.push(entry);
    this.historySizes.push(size);
    this.historyBytes += size;
    while (this.history.length > this.historyLength || (this.historyBytes > HISTORY_BYTES && this.history.length > 1)) {
      this.history.shift();
      this.historyBytes -= this.historySizes.shift()!;
    }
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
