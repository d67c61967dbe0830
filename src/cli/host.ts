import { formatHostPort } from '../net/address.js';
import { createLogger } from '../server/logger.js';
import { logFileFor } from './connect.js';
import type { ExitCodeValue } from './exit-codes.js';
import type { ClientFlags, ServerFlags } from './flags.js';
import { prepareParticipant, runParticipant } from './participant.js';
import { PASSWORD_HINT, joinCommand, sharedAddress, startConfiguredServer } from './serve.js';
import { openLogFile, reportLogFailure } from './log-file.js';
import { checkScreenFlags } from './tui-call.js';

/**
 * `livecomm-tui host`: the server and this participant in one process. The status bar shows the exact line others
 * type to join; when the host leaves, everyone is told the call ended (BYE `call-ended`) and the server stops.
 */
export async function runHost(flags: ServerFlags & ClientFlags, env: NodeJS.ProcessEnv): Promise<ExitCodeValue> {
  checkScreenFlags(flags);
  const logFile = logFileFor(flags, env);
  const logStream = openLogFile(logFile, { asked: flags.logFile !== undefined });
  const logger = createLogger(flags.logFormat, (line) => logStream.write(line));
  const { server, tls, reachableAt, password } = await startConfiguredServer(flags, env, logger);
  // Others use a LAN address when there is one; this participant joins over loopback (or the bound address).
  const shared = sharedAddress(reachableAt);
  const joinLine = joinCommand(shared, tls, flags.room);
  const ownHost = flags.bind && flags.bind !== '0.0.0.0' && flags.bind !== '::' ? flags.bind : '127.0.0.1';
  let code: ExitCodeValue;
  try {
    const participant = await prepareParticipant(
      { ...flags, tls: tls !== undefined },
      { host: ownHost, port: server.port, ...(tls ? { tlsFingerprint: tls.fingerprint } : {}) },
      env,
      { password },
    );
    // The join line carries no password: say how the others give it.
    if (password !== undefined) participant.notices.push(PASSWORD_HINT);
    // The server's log: a full disk stops it, and you are told, in the call.
    reportLogFailure(logStream, participant.notices, (message) => participant.call.emitNotice(message));
    code = await runParticipant(participant, {
      ...(flags.headless ? { headless: true } : {}),
      ...(flags.duration !== undefined ? { duration: flags.duration } : {}),
      headlessPreamble: { type: 'hosting', joinLine, addresses: reachableAt, fingerprint: tls?.fingerprint ?? null },
      screen: {
        color: flags.color, symbols: flags.symbols, room: flags.room, address: formatHostPort(ownHost, server.port), joinLine, logFile, log: logStream,
        ...(tls ? { tlsFingerprint: tls.fingerprint } : {}),
        onCallEnded: () => server.close('call-ended'),
      },
    });
  } finally {
    await server.close('call-ended');
    logStream.end();
  }
  return code;
}
