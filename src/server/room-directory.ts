import { roomKey } from './names.js';
import { Room } from './room.js';

/**
 * The server's open rooms, by `roomKey`: each keeps the spelling of whoever opened it, which the WELCOME and the log
 * report. A room goes, its chat history with it, once its last member has left.
 */
export class RoomDirectory {
  private readonly rooms = new Map<string, Room>();

  /** `chatHistory`: chat messages each room keeps for late joiners (ServerOptions.chatHistory). */
  constructor(private readonly chatHistory: number) {}

  /** The room of that name, compared as `roomKey` does; opened (under this spelling) if there is none. */
  open(name: string): Room {
    const key = roomKey(name);
    let room = this.rooms.get(key);
    if (!room) {
      room = new Room(name, this.chatHistory);
      this.rooms.set(key, room);
    }
    return room;
  }

  /** Drops `room` if nobody is in it, unless it was dropped already and another room of its name opened since. */
  dropIfEmpty(room: Room): void {
    const key = roomKey(room.name);
    if (room.size === 0 && this.rooms.get(key) === room) this.rooms.delete(key);
  }
}
