import { formatHostPort } from '../net/address.js';
import { parseTarget, resolveConfigDir } from './common.js';
import type { ClientFlags } from './flags.js';
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
  if (flags.fingerprint && !flags.tls) throw new UsageError('--fingerprint needs --tls');
  // The shape `serve` prints: SHA256: and 43 base64 characters. A typo is a usage error, not a mismatch (exit 3).
  if (flags.fingerprint && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(flags.fingerprint)) {
    throw new UsageError(`--fingerprint must look like the one the server prints: SHA256: and 43 characters, not "${flags.fingerprint}"`);
  }
  checkScreenFlags(flags);
  const participant = await prepareParticipant(flags, target, env);
  return runParticipant(participant, {
    ...(flags.headless ? { headless: true } : {}),
    ...(flags.duration !== undefined ? { duration: flags.duration } : {}),
    screen: { color: flags.color, symbols: flags.symbols, room: flags.room, address: formatHostPort(target.host, target.port), logFile: logFileFor(flags, env) },
  });
}
