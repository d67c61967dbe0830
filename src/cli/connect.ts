import { join } from 'node:path';
import type { Command } from 'commander';
import { Call } from '../client/call.js';
import { KNOWN_HOSTS_FILE } from '../client/known-hosts.js';
import { Recorder } from '../client/recorder.js';
import { SUPPORTED_AUDIO_CODECS } from '../media/audio/codec.js';
import { defaultName, parseName, parseRoom, parseSeconds, parseTarget, resolveConfigDir, resolvePassword } from './common.js';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from './exit-codes.js';
import { runHeadless } from './headless.js';
import { openMediaSources } from './sources.js';

/** Flags of a participant (`connect`, and the participant half of `host`). */
export interface ClientFlags {
  name?: string;
  room: string;
  tls?: boolean;
  fingerprint?: string;
  passwordFile?: string;
  video: string;
  audio: string;
  speaker?: string;
  color: string;
  configDir?: string;
  headless?: boolean;
  duration?: number;
  record?: string;
}

export function addClientFlags(command: Command, options: { withTarget: boolean }): Command {
  command
    .option('--name <name>', 'your display name (default: your login name)', parseName)
    .option('--room <room>', 'room to join', parseRoom, 'main')
    .option('--password-file <file>', 'room password from the first line of FILE (or set LIVECOMM_PASSWORD)')
    .option('--video <source>', 'auto | webcam[:DEVICE] | v4l2:DEVICE | pattern | file:PATH | none', 'auto')
    .option('--audio <source>', 'auto | mic[:DEVICE] | wav:PATH | tone[:HZ] | none', 'auto')
    .option('--speaker <device>', 'speaker device, or "none" (default: the default device; none with --headless)')
    .option('--color <mode>', 'auto | truecolor | 256 | 16 | mono', 'auto')
    .option('--record <dir>', 'record every remote participant (video, audio, chat) into DIR')
    .option('--config-dir <dir>', 'where known_hosts and the TLS identity live (default $XDG_CONFIG_HOME/livecomm-tui, env LIVECOMM_CONFIG_DIR)');
  if (options.withTarget) {
    command
      .option('--tls', 'connect with TLS 1.3, trusting the server on first use (like ssh)')
      .option('--fingerprint <SHA256:...>', 'with --tls: the server certificate fingerprint to require')
      .option('--headless', 'no TUI: JSON events on stdout, chat lines from stdin')
      .option('--duration <seconds>', 'leave after this many seconds', parseSeconds);
  }
  return command;
}

/** `livecomm-tui connect HOST[:PORT]`. */
export async function runConnect(targetText: string, flags: ClientFlags, env: NodeJS.ProcessEnv): Promise<ExitCodeValue> {
  const target = parseTarget(targetText);
  if (flags.fingerprint && !flags.tls) throw new UsageError('--fingerprint needs --tls');
  if (!flags.headless) {
    throw new CliError('the call screen is not available in this build yet; use --headless', ExitCode.USAGE);
  }
  const password = resolvePassword(flags.passwordFile, env);
  const configDir = resolveConfigDir(flags.configDir, env);
  const name = flags.name ?? defaultName();
  const notices: string[] = [];
  const { video, audio } = await openMediaSources(flags, name, (message) => notices.push(message));
  let recorder: Recorder | undefined;
  if (flags.record) {
    try {
      recorder = new Recorder({ dir: flags.record, onError: (message) => process.stderr.write(`livecomm-tui: ${message}\n`) });
    } catch (err) {
      throw new CliError((err as Error).message, ExitCode.USAGE, { cause: err });
    }
  }
  const call = new Call({
    session: {
      target: {
        ...target,
        ...(flags.tls
          ? { tls: { knownHostsPath: join(configDir, KNOWN_HOSTS_FILE), ...(flags.fingerprint ? { fingerprint: flags.fingerprint } : {}) } }
          : {}),
      },
      name,
      room: flags.room,
      ...(password !== undefined ? { password } : {}),
      audioCodecs: [...SUPPORTED_AUDIO_CODECS],
    },
    ...(video ? { video } : {}),
    ...(audio ? { audio } : {}),
    ...(recorder ? { recorder } : {}),
  });
  for (const message of notices) process.stdout.write(`${JSON.stringify({ type: 'notice', message })}\n`);
  return runHeadless({
    call,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    ...(flags.duration !== undefined ? { durationSeconds: flags.duration } : {}),
  });
}
