import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVER_CERT_FILE, SERVER_KEY_FILE, loadOrCreateTlsIdentity, loadTlsIdentity } from '../../src/net/tls-identity.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-tls-id-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--cert/--key files', () => {
  it('loads a matching pair with the fingerprint of the generated identity, and refuses a key of another pair', async () => {
    const a = await loadOrCreateTlsIdentity(join(dir, 'a'));
    await loadOrCreateTlsIdentity(join(dir, 'b'));
    const loaded = await loadTlsIdentity(join(dir, 'a', SERVER_CERT_FILE), join(dir, 'a', SERVER_KEY_FILE));
    expect(loaded.fingerprint).toBe(a.fingerprint);
    await expect(loadTlsIdentity(join(dir, 'a', SERVER_CERT_FILE), join(dir, 'b', SERVER_KEY_FILE)))
      .rejects.toThrow(`the key in ${join(dir, 'b', SERVER_KEY_FILE)} does not belong to the certificate in ${join(dir, 'a', SERVER_CERT_FILE)}`);
  });

  it('says which file is wrong, in words', async () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a pem\n');
    const goodCert = join(dir, 'a', SERVER_CERT_FILE);
    await loadOrCreateTlsIdentity(join(dir, 'a'));
    await expect(loadTlsIdentity(junk, join(dir, 'a', SERVER_KEY_FILE))).rejects.toThrow(`${junk} is not a PEM certificate`);
    await expect(loadTlsIdentity(goodCert, junk)).rejects.toThrow(`${junk} is not a PEM private key`);
    await expect(loadTlsIdentity(join(dir, 'nope.pem'), junk)).rejects.toThrow(`cannot read the TLS certificate file ${join(dir, 'nope.pem')}: no such file or folder`);
  });
});
