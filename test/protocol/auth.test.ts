import { describe, expect, it } from 'vitest';
import { authProof, deriveAuthKey, randomToken, verifyAuthProof } from '../../src/protocol/auth.js';

// scrypt takes tens of ms per derivation: derive the keys once.
const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const nonce = Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex');
const key = deriveAuthKey('correct horse', salt);
const wrongKey = deriveAuthKey('correct horsE', salt);

describe('deriveAuthKey', () => {
  it('is a deterministic 32-byte key of password and salt', () => {
    expect(key).toHaveLength(32);
    expect(deriveAuthKey('correct horse', salt).equals(key)).toBe(true);
    expect(wrongKey.equals(key)).toBe(false);
    expect(deriveAuthKey('correct horse', Buffer.from('ff', 'hex')).equals(key)).toBe(false);
  });

  it('normalises the password to NFC, so composed and decomposed é give the same key', () => {
    const composed = deriveAuthKey('caf\u00e9', salt);
    const decomposed = deriveAuthKey('cafe\u0301', salt);
    expect(composed.equals(decomposed)).toBe(true);
  });
});

describe('authProof / verifyAuthProof', () => {
  const proof = authProof(key, nonce, 'lobby', 'Ana');

  it('is an HMAC-SHA256 (32 bytes) and deterministic', () => {
    expect(proof).toHaveLength(32);
    expect(authProof(key, nonce, 'lobby', 'Ana').equals(proof)).toBe(true);
  });

  it('verifies with the key of the right password', () => {
    expect(verifyAuthProof(key, nonce, 'lobby', 'Ana', proof)).toBe(true);
  });

  it('fails when the proof was made with a wrong password', () => {
    const forged = authProof(wrongKey, nonce, 'lobby', 'Ana');
    expect(verifyAuthProof(key, nonce, 'lobby', 'Ana', forged)).toBe(false);
  });

  it('is bound to the nonce: a proof replayed on another connection fails', () => {
    const otherNonce = Buffer.from(nonce);
    otherNonce[15] ^= 1;
    expect(verifyAuthProof(key, otherNonce, 'lobby', 'Ana', proof)).toBe(false);
  });

  it('is bound to the room and the name', () => {
    expect(verifyAuthProof(key, nonce, 'lobby2', 'Ana', proof)).toBe(false);
    expect(verifyAuthProof(key, nonce, 'lobby', 'Anna', proof)).toBe(false);
    expect(verifyAuthProof(key, nonce, 'lobby', 'ana', proof)).toBe(false);
  });

  it('separates room and name, so moving characters between them changes the proof', () => {
    expect(authProof(key, nonce, 'ab', 'c').equals(authProof(key, nonce, 'a', 'bc'))).toBe(false);
    expect(authProof(key, nonce, '', 'abc').equals(authProof(key, nonce, 'abc', ''))).toBe(false);
  });

  it('fails on any flipped bit of the proof', () => {
    for (let bit = 0; bit < 256; bit += 37) {
      const flipped = Buffer.from(proof);
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(verifyAuthProof(key, nonce, 'lobby', 'Ana', flipped)).toBe(false);
    }
  });

  it.each([0, 1, 31, 33, 64])('returns false (does not throw) for a proof of %i bytes', (length) => {
    const wrongLength = Buffer.alloc(length);
    proof.copy(wrongLength, 0, 0, Math.min(length, proof.length));
    expect(verifyAuthProof(key, nonce, 'lobby', 'Ana', wrongLength)).toBe(false);
  });

  it('returns false for the right proof with trailing bytes', () => {
    expect(verifyAuthProof(key, nonce, 'lobby', 'Ana', Buffer.concat([proof, Buffer.of(0)]))).toBe(false);
  });

  it('accepts the proof from a Uint8Array view at an offset (as decoded from base64 in a larger buffer)', () => {
    const big = new Uint8Array(40);
    big.set(proof, 5);
    expect(verifyAuthProof(key, nonce, 'lobby', 'Ana', big.subarray(5, 37))).toBe(true);
  });
});

describe('randomToken', () => {
  it('returns the requested number of bytes, different every time', () => {
    const a = randomToken(16);
    const b = randomToken(16);
    expect(a).toHaveLength(16);
    expect(randomToken(32)).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
  });
});
