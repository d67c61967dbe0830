import { formatHostPort } from '../net/address.js';
import { parseTarget, resolveConfigDir } from './common.js';
import type { ClientFlags } from './flags.js';
import { normalizeFingerprint } from '../client/connect.js';
import { UsageError, type ExitCodeValue } from './exit-codes.js';
import { prepareParticipant, runParticipant } from './participant.js';
import { checkScreenFlags } from './tui-call.js';
import { join } from 'node:path';

export function logFileFor(flags: ClientFlags, env: NodeJS.ProcessEnv): string {
  return flags.logFile ?? join(resolveConfigDir(flags.configDir, env), 'livecomm-tui.log');
}

/** `livecomm-tui connect HOST[:PORT]`. */
export async function runConnect(targetText: string, flags: ClientFlags, env: NodeJS.ProcessEnv): Promise<ExitCodeValue> {
  const target = parseTarget(targetText);
  if (flags.fingerprint !== undefined) {
    // The shape `serve` prints: SHA256: and 43 base64 characters; the prefix's case, its absence and base64 padding
    // are forgiven. A typo is a usage error, not a mismatch (exit 3).
    const pinned = normalizeFingerprint(flags.fingerprint);
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(pinned)) {
      throw new UsageError(`--fingerprint must look like the one the server prints: SHA256: and 43 characters, not "${flags.fingerprint}"`);
    }
    // A fingerprint is a TLS certificate's: pinning one means TLS, --tls or not.
    flags = { ...flags, fingerprint: pinned, tls: true };
  }
  checkScreenFlags(flags);
  // The log holds what would otherwise write over the call screen; headless, notices go to stderr and nothing is
  // logged: a file asked for and never made would be a surprise found later.
  if (flags.headless && flags.logFile !== undefined) {
    throw new UsageError('--log-file is for the call screen: with --headless, notices and errors go to stderr');
  }
  const address = formatHostPort(target.host, target.port);
  const participant = await prepareParticipant(flags, target, env);
  return runParticipant(participant, {
    ...(flags.headless ? { headless: true } : {}),
    ...(flags.duration !== undefined ? { duration: flags.duration } : {}),
    screen: { color: flags.color, symbols: flags.symbols, room: flags.room, address, logFile: logFileFor(flags, env), logFileAsked: flags.logFile !== undefined },
  });
}
