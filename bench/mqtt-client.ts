/**
 * The few MQTT packets the fan-out baseline needs (MQTT 5.0, OASIS standard §3): CONNECT, SUBSCRIBE with the
 * No Local option, PUBLISH at QoS 0, and reading PUBLISH/CONNACK/SUBACK. MQTT 5 rather than 3.1.1 only for No Local
 * (§3.8.3.1): without it a 3.1.1 broker sends every message back to its publisher too, one delivery in eight more
 * than our server makes, and the ratio would not compare the same work.
 * The `mqtt` npm package is not a dependency of this project; this is all the benchmark needs.
 */

/** Appends MQTT's variable byte integer (§1.5.5). */
function varint(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

function utf8(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  return Buffer.concat([len, body]);
}

function packet(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte, ...varint(body.length)]), body]);
}

/** CONNECT with a clean start, no keep-alive (the run is short and local), no properties. */
export function mqttConnect(clientId: string): Buffer {
  const variable = Buffer.concat([utf8('MQTT'), Buffer.from([5, 0x02, 0, 0, 0])]);
  return packet(0x10, Buffer.concat([variable, utf8(clientId)]));
}

/** SUBSCRIBE to one topic at QoS 0 with No Local: a client does not get its own messages back. */
export function mqttSubscribe(packetId: number, topic: string): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId);
  return packet(0x82, Buffer.concat([id, Buffer.from([0]), utf8(topic), Buffer.from([0x04])]));
}

/**
 * A QoS 0 PUBLISH template for `topic` with a payload of `payloadBytes`; returns the packet and the offset of the
 * payload in it, so a sender can copy the template and write its timestamp without re-encoding.
 */
export function mqttPublishTemplate(topic: string, payloadBytes: number): { bytes: Buffer; payloadOffset: number } {
  const head = Buffer.concat([utf8(topic), Buffer.from([0])]); // topic, property length 0
  const bytes = packet(0x30, Buffer.concat([head, Buffer.alloc(payloadBytes)]));
  return { bytes, payloadOffset: bytes.length - payloadBytes };
}

/** Total packet length from its first `fill` bytes, or -1 while the fixed header is incomplete. */
export function mqttPacketLength(hdr: Uint8Array, fill: number): number {
  let value = 0;
  let mult = 1;
  for (let i = 1; i <= 4; i++) {
    if (i >= fill) return -1;
    const b = hdr[i]!;
    value += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) return 1 + i + value;
    mult *= 128;
  }
  throw new Error('MQTT: malformed remaining length');
}

/** Offset of the payload in a PUBLISH whose first bytes are `hdr` (QoS 0: no packet id). */
export function mqttPublishPayloadOffset(hdr: Uint8Array): number {
  let i = 1;
  while (hdr[i]! & 0x80) i++;
  i += 1;
  const topicLen = (hdr[i]! << 8) | hdr[i + 1]!;
  i += 2 + topicLen;
  // Property length (variable byte integer), then the properties.
  let props = 0;
  let mult = 1;
  for (;;) {
    const b = hdr[i++]!;
    props += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) break;
    mult *= 128;
  }
  return i + props;
}
