import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

describe('the generated identity in the config dir', () => {
  it('is made once and kept: the same fingerprint on the next start', async () => {
    const first = await loadOrCreateTlsIdentity(join(dir, 'kept'));
    const again = await loadOrCreateTlsIdentity(join(dir, 'kept'));
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, fingerprint: first.fingerprint });
  });

  it('never overwrites a key left without its certificate (clients pinned it), and says how to start anew', async () => {
    const config = join(dir, 'half');
    await loadOrCreateTlsIdentity(config);
    const key = readFileSync(join(config, SERVER_KEY_FILE), 'utf8');
    rmSync(join(config, SERVER_CERT_FILE));
    await expect(loadOrCreateTlsIdentity(config)).rejects.toThrow(
      `${config} holds ${SERVER_KEY_FILE} without ${SERVER_CERT_FILE}: put ${SERVER_CERT_FILE} back, or delete both`,
    );
    expect(readFileSync(join(config, SERVER_KEY_FILE), 'utf8')).toBe(key);
  });

  it('refuses a key and certificate that do not belong together, before any client fails its handshake', async () => {
    const config = join(dir, 'mixed');
    await loadOrCreateTlsIdentity(config);
    await loadOrCreateTlsIdentity(join(dir, 'other'));
    copyFileSync(join(dir, 'other', SERVER_CERT_FILE), join(config, SERVER_CERT_FILE));
    await expect(loadOrCreateTlsIdentity(config)).rejects.toThrow(/is not usable \(the key in .* does not belong to the certificate/);
  });
});

describe('a config dir that cannot be made', () => {
  it('says it was for the TLS key and certificate, not only which folder failed', async () => {
    // The stick the config dir lives on is not mounted.
    symlinkSync(join(dir, 'unmounted'), join(dir, 'stick'));
    const config = join(dir, 'stick', 'livecomm-tui');
    await expect(loadOrCreateTlsIdentity(config)).rejects.toThrow(
      `cannot save the server's TLS key and certificate in ${config}: ${join(dir, 'stick')} is a link to ${join(dir, 'unmounted')}, which is not there`,
    );
  });
});

describe('two servers starting at once in a fresh config dir', () => {
  it('end up with one identity, neither overwriting the other', async () => {
    const config = join(dir, 'race');
    const [a, b] = await Promise.all([loadOrCreateTlsIdentity(config), loadOrCreateTlsIdentity(config)]);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect((await loadOrCreateTlsIdentity(config)).fingerprint).toBe(a.fingerprint);
  });
});
