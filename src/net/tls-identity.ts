import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  return checkedIdentity(cert, key, certFile, keyFile);
}

/** A certificate and key read from `certFile` and `keyFile`, checked to be PEM and one pair. */
function checkedIdentity(cert: string, key: string, certFile: string, keyFile: string): TlsIdentity {
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
export async function loadOrCreateTlsIdentity(configDir: string, anotherMadeIt = false): Promise<TlsIdentity & { created: boolean }> {
  const keyPath = join(configDir, SERVER_KEY_FILE);
  const certPath = join(configDir, SERVER_CERT_FILE);
  const [key, cert] = await Promise.all([readIfThere(keyPath, configDir), readIfThere(certPath, configDir)]);
  const anew = `delete both ${SERVER_KEY_FILE} and ${SERVER_CERT_FILE} there to make a new identity (clients will see a new fingerprint)`;
  if (key !== undefined && cert !== undefined) {
    try {
      return { ...checkedIdentity(cert, key, certPath, keyPath), created: false };
    } catch (err) {
      throw new Error(`the server's TLS identity in ${configDir} is not usable (${(err as Error).message}); ${anew}`, { cause: err });
    }
  }
  // One without the other: making a new pair would overwrite the one left, and change the fingerprint clients pinned.
  if (key !== undefined || cert !== undefined) {
    const [there, missing] = key !== undefined ? [SERVER_KEY_FILE, SERVER_CERT_FILE] : [SERVER_CERT_FILE, SERVER_KEY_FILE];
    throw new Error(`${configDir} holds ${there} without ${missing}: put ${missing} back, or ${anew}`);
  }
  const tenYears = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  // Loaded only here, the first time: the generator (node-forge) holds ~16 MiB that a running server never needs.
  const { generate: generateCertificate } = await import('selfsigned');
  const pems = await generateCertificate([{ name: 'commonName', value: 'livecomm-tui' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: tenYears,
  });
  try {
    makeDirectory(configDir, 0o700);
  } catch (err) {
    // Said alone ("cannot create /home/u/.config: …") it did not say what the folder was for.
    throw new Error(`cannot save the server's TLS key and certificate in ${configDir}: ${(err as Error).message}`, { cause: err });
  }
  // The key first and private: a crash between the two writes leaves no certificate without its key. Never over a
  // file another server just wrote ('wx').
  const made: string[] = [];
  try {
    await writeFile(keyPath, pems.private, { mode: 0o600, flag: 'wx' });
    made.push(keyPath);
    await writeFile(certPath, pems.cert, { mode: 0o644, flag: 'wx' });
  } catch (err) {
    // Another server started at the same moment made it first: use theirs (the same identity for both).
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && !anotherMadeIt) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return loadOrCreateTlsIdentity(configDir, true);
    }
    // A full disk leaves the file being written empty or cut short: removed (with a key written before its
    // certificate failed), so the next start makes the pair anew instead of refusing a key "without its certificate".
    // 'wx' means the file being written is ours; no client can have pinned a certificate that was never saved.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') made.push(made.length === 0 ? keyPath : certPath);
    await Promise.all(made.map((path) => rm(path, { force: true }).catch(() => undefined)));
    throw new Error(`cannot save the server's TLS key and certificate in ${configDir}: ${fsErrorText(err)}`, { cause: err });
  }
  return { key: pems.private, cert: pems.cert, fingerprint: fingerprintOfPem(pems.cert), source: certPath, created: true };
}

/** A file's text, or undefined when there is none. */
async function readIfThere(path: string, configDir: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new Error(`${configDir} is a file, not a folder`, { cause: err });
    throw new Error(`cannot read the server's TLS key and certificate in ${configDir}: ${fsErrorText(err)}`, { cause: err });
  }
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the TLS ${what} file ${path}: ${fsErrorText(err)}`, { cause: err });
  }
}
