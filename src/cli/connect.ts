import type { Command } from 'commander';
import { formatHostPort } from '../net/address.js';
import { parseName, parseRoom, parseSeconds, parseTarget, resolveConfigDir } from './common.js';
import { ExitCode, UsageError, type ExitCodeValue } from './exit-codes.js';
import { exitCodeOf, runHeadless } from './headless.js';
import { prepareParticipant, type ClientFlags } from './participant.js';
import { checkColorFlag, runTuiCall } from './tui-call.js';
import { join } from 'node:path';

export type { ClientFlags } from './participant.js';

/**
 * Adds a participant's flags. `serverFlagsToo`: the command also has the server's flags, which already define
 * --password-file and --config-dir.
 */
export function addClientFlags(command: Command, options: { target: boolean; serverFlagsToo?: boolean }): Command {
  command
    .option('--name <name>', 'your display name (default: your login name)', parseName)
    .option('--room <room>', 'room to join', parseRoom, 'main')
    .option('--video <source>', 'auto | webcam[:DEVICE] | v4l2:DEVICE | pattern | file:PATH | none', 'auto')
    .option('--audio <source>', 'auto | mic[:DEVICE] | wav:PATH | tone[:HZ] | none', 'auto')
    .option('--speaker <device>', 'speaker device (PortAudio id or name), or "none" (default: the default device; none with --headless)')
    .option('--color <mode>', 'auto | truecolor | 256 | 16 | mono (auto reads COLORTERM/TERM; NO_COLOR means mono)', 'auto')
    .option('--record <dir>', 'record every remote participant (video, audio, chat) into DIR')
    .option('--log-file <file>', 'where logs go while the call screen is up (default: livecomm-tui.log in the config dir)')
    .option('--duration <seconds>', 'leave after this many seconds', parseSeconds);
  if (!options.serverFlagsToo) {
    command
      .option('--password-file <file>', 'room password from the first line of FILE (or set LIVECOMM_PASSWORD)')
      .option('--config-dir <dir>', 'where known_hosts and the TLS identity live (default $XDG_CONFIG_HOME/livecomm-tui, env LIVECOMM_CONFIG_DIR)');
  }
  if (options.target) {
    command
      .option('--tls', 'connect with TLS 1.3, trusting the server on first use (like ssh)')
      .option('--fingerprint <SHA256:...>', 'with --tls: the server certificate fingerprint to require');
  }
  return command;
}

export function logFileFor(flags: ClientFlags, env: NodeJS.ProcessEnv): string {
  return flags.logFile ?? join(resolveConfigDir(flags.configDir, env), 'livecomm-tui.log');
}

/** `livecomm-tui connect HOST[:PORT]`. */
export async function runConnect(targetText: string, flags: ClientFlags, env: NodeJS.ProcessEnv): Promise<ExitCodeValue> {
  const target = parseTarget(targetText);
  if (flags.fingerprint && !flags.tls) throw new UsageError('--fingerprint needs --tls');
  checkColorFlag(flags.color);
  if (!flags.headless && (!process.stdout.isTTY || !process.stdin.isTTY)) {
    throw new UsageError('the call screen needs a terminal; use --headless for scripts and pipes');
  }
  const participant = await prepareParticipant(flags, target, env);
  const { call, speaker, notices } = participant;
  if (flags.headless) {
    for (const message of notices) process.stdout.write(`${JSON.stringify({ type: 'notice', message })}\n`);
    speaker.start();
    const code = await runHeadless({
      call,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      ...(flags.duration !== undefined ? { durationSeconds: flags.duration } : {}),
    });
    await speaker.stop();
    return code;
  }
  if (flags.duration !== undefined) setTimeout(() => void call.leave(), flags.duration * 1000).unref();
  await runTuiCall({
    call, speaker, notices, color: flags.color, selfName: participant.name, room: flags.room,
    address: formatHostPort(target.host, target.port), logFile: logFileFor(flags, env),
  });
  const error = await participant.ended;
  const code = exitCodeOf(error);
  if (code !== ExitCode.OK) process.stderr.write(`livecomm-tui: ${error.message}\n`);
  else process.stdout.write(`${error.message}\n`);
  return code;
}
