import { describe, expect, it } from 'vitest';
import { FrameType, StreamKind, Codec, encodeFrame, encodeJson } from '../../src/protocol/index.js';
import { foreignProtocol, tlsErrorDetail } from '../../src/server/foreign-protocol.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('foreignProtocol', () => {
  const table: Array<{ name: string; first: Uint8Array; expected: ReturnType<typeof foreignProtocol> }> = [
    { name: 'an HTTP/1.1 request', first: bytes('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), expected: { event: 'not-livecomm', detail: 'not a livecomm-tui client: it sent an HTTP request' } },
    { name: 'an HTTP POST', first: bytes('POST /login HTTP/1.0\r\n'), expected: { event: 'not-livecomm', detail: 'not a livecomm-tui client: it sent an HTTP request' } },
    { name: "HTTP/2's preface", first: bytes('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), expected: { event: 'not-livecomm', detail: 'not a livecomm-tui client: it sent an HTTP request' } },
    { name: 'an SSH banner', first: bytes('SSH-2.0-OpenSSH_9.6\r\n'), expected: { event: 'not-livecomm', detail: 'not a livecomm-tui client: it sent an SSH banner' } },
    { name: 'a TLS ClientHello', first: Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), expected: { event: 'tls-on-plain', detail: 'the client tried TLS; this server runs without --tls' } },
    { name: 'a word that is no method', first: bytes('GETX / HTTP/1.1\r\n'), expected: undefined },
    { name: 'one byte', first: bytes('G'), expected: undefined },
  ];
  for (const { name, first, expected } of table) {
    it(`knows ${name}`, () => expect(foreignProtocol(first)).toEqual(expected));
  }

  it('never takes a livecomm-tui HELLO for anything else, whole or its first byte', () => {
    const hello = encodeFrame({ type: FrameType.HELLO, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq: 1, ts: Date.now(), payload: encodeJson({ protocol: 'livecomm' }) });
    expect(foreignProtocol(hello)).toBeUndefined();
    expect(foreignProtocol(hello.subarray(0, 1))).toBeUndefined();
  });
});

describe('tlsErrorDetail', () => {
  it('names an HTTP request and a plain livecomm-tui client, and passes anything else through', () => {
    expect(tlsErrorDetail('error:0A00009C:SSL routines:ssl3_get_record:http request')).toBe('not a livecomm-tui client: it sent an HTTP request');
    expect(tlsErrorDetail('error:0A00010B:SSL routines:ssl3_get_record:wrong version number')).toBe('the client did not speak TLS (it needs --tls)');
    expect(tlsErrorDetail('socket hang up')).toBe('socket hang up');
  });
});
