/**
 * Recognises another protocol in a connection's first bytes, so the log says what the client was instead of
 * reporting a frame length of a gigabyte. Each of these starts reads as a length far over any frame's limit
 * (docs/protocol.md §2), so no livecomm-tui client is ever mistaken for one.
 */

/** What the first bytes plainly are, as a log event and a sentence, or undefined when they may be ours. */
export interface ForeignProtocol {
  event: 'tls-on-plain' | 'not-livecomm';
  detail: string;
}

const NOT_LIVECOMM = 'not a livecomm-tui client';
/** Request methods of HTTP/1.x, and the start of HTTP/2's connection preface ("PRI * HTTP/2.0"). */
const HTTP_REQUEST = /^(?:GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE|PRI) /;

export function foreignProtocol(first: Uint8Array): ForeignProtocol | undefined {
  // A TLS record of type handshake (a ClientHello): a client started with --tls.
  if (first[0] === 0x16) return { event: 'tls-on-plain', detail: 'the client tried TLS; this server runs without --tls' };
  const start = Buffer.from(first.subarray(0, 8)).toString('latin1');
  if (HTTP_REQUEST.test(start)) return { event: 'not-livecomm', detail: `${NOT_LIVECOMM}: it sent an HTTP request` };
  if (start.startsWith('SSH-')) return { event: 'not-livecomm', detail: `${NOT_LIVECOMM}: it sent an SSH banner` };
  return undefined;
}

/** The detail of a failed TLS handshake: what the client plainly was, where the error says so. */
export function tlsErrorDetail(message: string): string {
  if (/http request/i.test(message)) return `${NOT_LIVECOMM}: it sent an HTTP request`;
  // A plain-TCP client shows up here as a record-layer error: say so, it is the common mistake.
  if (/wrong version number|unknown protocol|packet length too long/i.test(message)) return 'the client did not speak TLS (it needs --tls)';
  return message;
}
