import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate as generateCertificate } from 'selfsigned';
import { fsErrorText, makeDirectory } from '../util/fs-errors.js';

/**
 * The server's TLS identity: a key and self-signed certificate generated once into the config dir, or files the
 * user gives. Clients pin its fingerprint (SSH style), so no CA is involved.
 */
export interface TlsIdentity {
  key: string;
  cert: string;
  /** `SHA256:<base64>` of the certificate's DER bytes, the form users compare and pass to `--fingerprint`. */
  fingerprint: string;
  /** Where it came from, for the startup line. */
  source: string;
}

export const SERVER_KEY_FILE = 'server-key.pem';
export const SERVER_CERT_FILE = 'server-cert.pem';

/** `SHA256:<base64 without padding>`, the same shape ssh-keygen -l prints. */
export function fingerprintOfDer(der: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

export function fingerprintOfPem(pem: string): string {
  return fingerprintOfDer(new X509Certificate(pem).raw);
}

/** Loads `--cert/--key` files. Throws with a sentence naming the file that could not be used. */
export async function loadTlsIdentity(certFile: string, keyFile: string): Promise<TlsIdentity> {
  const [cert, key] = await Promise.all([readText(certFile, 'certificate'), readText(keyFile, 'key')]);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (err) {
    throw new Error(`${certFile} is not a PEM certificate`, { cause: err });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new Error(`${keyFile} is not a PEM private key (or it needs a passphrase)`, { cause: err });
  }
  // Checked now: a server with a mismatched pair starts fine and then fails every client's handshake.
  if (!certificate.checkPrivateKey(privateKey)) throw new Error(`the key in ${keyFile} does not belong to the certificate in ${certFile}`);
  return { key, cert, fingerprint: fingerprintOfDer(certificate.raw), source: certFile };
}

/** Loads the generated identity from `configDir`, creating it on first use (EC P-256: ~8 ms, see PEERS.md). */
export async function loadOrCreateTlsIdentity(configDir: string): Promise<TlsIdentity & { created: boolean }> {
  const keyPath = join(configDir, SERVER_KEY_FILE);
  const certPath = join(configDir, SERVER_CERT_FILE);
  try {
    const [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
    return { key, cert, fingerprint: fingerprintOfPem(cert), source: certPath, created: false };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new Error(`${configDir} is a file, not a folder`, { cause: err });
    if (code !== 'ENOENT') throw new Error(`cannot read the server's TLS key and certificate in ${configDir}: ${fsErrorText(err)}`, { cause: err });
  }
  const tenYears = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  const pems = await generateCertificate([{ name: 'commonName', value: 'livecomm-tui' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: tenYears,
  });
  makeDirectory(configDir, 0o700);
  // The key first and private: a crash between the two writes leaves no certificate without its key.
  try {
    await writeFile(keyPath, pems.private, { mode: 0o600 });
    await writeFile(certPath, pems.cert, { mode: 0o644 });
  } catch (err) {
    throw new Error(`cannot save the server's TLS key and certificate in ${configDir}: ${fsErrorText(err)}`, { cause: err });
  }
  return { key: pems.private, cert: pems.cert, fingerprint: fingerprintOfPem(pems.cert), source: certPath, created: true };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the TLS ${what} file ${path}: ${fsErrorText(err)}`, { cause: err });
  }
}
