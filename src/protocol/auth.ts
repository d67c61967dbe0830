import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Password challenge–response (docs/protocol.md §4.2). The password never crosses the wire: the server sends a
 * salt and a fresh nonce; both sides derive key = scrypt(password, salt) and the client proves it knows the key with
 * HMAC-SHA256(key, nonce ‖ len(room) ‖ room ‖ len(name) ‖ name), lengths as u32 big-endian of the UTF-8 bytes.
 * Binding room and name stops a proof from being replayed for another join; the lengths keep the parts unambiguous.
 */

/** scrypt cost: ~20–40 ms per derivation here, which slows offline guessing of a captured proof. */
const SCRYPT_OPTIONS = { N: 1 << 14, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

export function deriveAuthKey(password: string, salt: Uint8Array): Buffer {
  return scryptSync(password.normalize('NFC'), salt, KEY_BYTES, SCRYPT_OPTIONS);
}

export function authProof(key: Uint8Array, nonce: Uint8Array, room: string, name: string): Buffer {
  const hmac = createHmac('sha256', key).update(nonce);
  for (const part of [room, name]) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hmac.update(length).update(bytes);
  }
  return hmac.digest();
}

/** Constant-time check of a client's proof. */
export function verifyAuthProof(key: Uint8Array, nonce: Uint8Array, room: string, name: string, proof: Uint8Array): boolean {
  const expected = authProof(key, nonce, room, name);
  return proof.length === expected.length && timingSafeEqual(expected, proof);
}

export function randomToken(bytes: number): Buffer {
  return randomBytes(bytes);
}
