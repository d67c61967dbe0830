import { describe, expect, it } from 'vitest';
import { Codec, FrameType, ProtocolError, StreamKind, encodeJson, type DecodedFrame, type FrameTypeValue } from '../../src/protocol/index.js';
import { roomEventOf } from '../../src/client/room-events.js';

/** A frame from the server of `type`, with `payload` as its JSON, from `sender`. */
function frame(type: FrameTypeValue, payload: object, sender = 0): DecodedFrame {
  const bytes = encodeJson(payload);
  return { type, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender, seq: 1, ts: 1_000, payload: bytes, raw: bytes };
}

describe('roomEventOf', () => {
  it('a PARTICIPANT_JOINED is who came, with their media state', () => {
    expect(roomEventOf(frame(FrameType.PARTICIPANT_JOINED, { id: 7, name: 'bob', muted: true, cameraOff: false }))).toEqual({
      type: 'participant-joined',
      participant: { id: 7, name: 'bob', muted: true, cameraOff: false },
    });
  });

  it('a PARTICIPANT_LEFT is who left and why, and nothing else the payload carried', () => {
    expect(roomEventOf(frame(FrameType.PARTICIPANT_LEFT, { id: 7, name: 'bob', reason: 'left', extra: 'x' }))).toEqual({
      type: 'participant-left', id: 7, name: 'bob', reason: 'left',
    });
  });

  it('nothing of a type meant for the server (HELLO, AUTH, RECEIVE), nor of an ACK: not even read', () => {
    const garbage = new Uint8Array([0xff, 0x00]);
    for (const type of [FrameType.HELLO, FrameType.AUTH, FrameType.RECEIVE, FrameType.ACK]) {
      expect(roomEventOf({ ...frame(type, {}), payload: garbage }), `type ${type}`).toBeUndefined();
    }
  });

  it('a CHAT is the entry as the server stamped it', () => {
    expect(roomEventOf(frame(FrameType.CHAT, { fromId: 7, from: 'bob', text: 'hi', ts: 5 }))).toEqual({
      type: 'chat', entry: { fromId: 7, from: 'bob', text: 'hi', ts: 5 },
    });
  });

  it('a STATE is about the frame\'s sender: the id comes from the header, not the payload', () => {
    expect(roomEventOf(frame(FrameType.STATE, { id: 99, muted: false, cameraOff: true, noCamera: true }, 7))).toEqual({
      type: 'state', id: 7, muted: false, cameraOff: true, noCamera: true,
    });
  });

  it('a CONGESTION is the receiver it is about and its level', () => {
    expect(roomEventOf(frame(FrameType.CONGESTION, { receiverId: 3, level: 2 }))).toEqual({ type: 'congestion', receiverId: 3, level: 2 });
  });

  it('frames of other types are no room event', () => {
    for (const type of [FrameType.MEDIA, FrameType.PING, FrameType.WELCOME, FrameType.BYE, FrameType.ACK]) {
      expect(roomEventOf(frame(type, {}))).toBeUndefined();
    }
  });

  it('a malformed payload throws ProtocolError (the session ends on it as a malformed frame)', () => {
    expect(() => roomEventOf(frame(FrameType.CONGESTION, { receiverId: 3, level: 9 }))).toThrow(ProtocolError);
    expect(() => roomEventOf(frame(FrameType.PARTICIPANT_LEFT, { id: 7 }))).toThrow(ProtocolError);
  });
});
