import { Option, type Command } from 'commander';
import { TRANSMIT_MODES } from '../media/audio/voice-gate.js';
import { SYMBOL_SETS } from '../media/video/cell-symbols.js';
import { formatHostPort } from '../net/address.js';
import { DEFAULT_ROOM, parseKbits, parseName, parseOnOff, parsePath, parseRoom, parseSeconds, parseTarget, resolveConfigDir } from './common.js';
import { UsageError, type ExitCodeValue } from './exit-codes.js';
import { prepareParticipant, runParticipant, type ClientFlags } from './participant.js';
import { checkScreenFlags } from './tui-call.js';
import { join } from 'node:path';

export type { ClientFlags } from './participant.js';

/**
 * Adds a participant's flags. `serverFlagsToo`: the command also has the server's flags, which already define
 * --password-file and --config-dir. `noPassword`: its call is one with no password (demo's own server).
 * `headless`: the command has --headless.
 */
export function addClientFlags(
  command: Command,
  options: { target: boolean; serverFlagsToo?: boolean; noPassword?: boolean; headless?: boolean },
): Command {
  command
    .option('--name <name>', 'your display name (default: your login name)', parseName)
    .option('--room <room>', 'room to join', parseRoom, DEFAULT_ROOM)
    .option('--video <source>', 'auto | webcam[:DEVICE] | v4l2:DEVICE | pattern | file:PATH | none', 'auto')
    .option('--audio <source>', 'auto | mic[:DEVICE] | wav:PATH | tone[:HZ] | none', 'auto')
    .option('--speaker <device>', `speaker device (PortAudio id or name), or "none" (default: the default device${options.headless ? '; none with --headless' : ''})`)
    .addOption(
      new Option('--echo-cancellation <on|off>', 'learn how your speaker reaches your microphone and take its echo of the others out, so you can talk over them')
        .argParser(parseOnOff)
        .default(true, 'on'),
    )
    .addOption(
      new Option('--echo-suppression <on|off>', 'turn your microphone down while only the others talk, so the echo that is left does not reach them (off with headphones)')
        .argParser(parseOnOff)
        .default(true, 'on'),
    )
    .addOption(
      new Option('--noise-suppression <on|off>', 'take background noise (fans, hum, traffic) out of your microphone with RNNoise')
        .argParser(parseOnOff)
        .default(true, 'on'),
    )
    .addOption(
      new Option('--transmit <mode>', 'voice: send your audio only while you talk (like Mumble and Discord); continuous: all the time; ptt: only while you hold Space (push-to-talk)')
        .choices(TRANSMIT_MODES)
        .default('voice'),
    )
    .addOption(
      new Option('--receive-video <on|off>', "off: audio only, the server sends you no video (a slow link); the a key toggles it in a call")
        .argParser(parseOnOff)
        .default(true, 'on'),
    )
    .addOption(
      new Option('--video-bitrate <kbit>', 'kbit/s your video may use: its JPEG quality follows the picture to stay within it (raise on a LAN, lower on a slow link)')
        .argParser(parseKbits)
        .default(240),
    )
    .option('--color <mode>', 'auto | truecolor | 256 | 16 | mono (auto reads COLORTERM/TERM, then asks the terminal; NO_COLOR means mono)', 'auto')
    .addOption(new Option('--symbols <set>', 'half: half blocks, 2 pixels a cell, every font; quadrant: 4, sharper faces in small panes; sextant: 6, needs a terminal or font that draws Unicode 13 sextants (kitty, WezTerm, foot, Alacritty)').choices(SYMBOL_SETS).default('half'))
    .option('--record <dir>', 'record every remote participant (video, audio, chat) into DIR', parsePath)
    .option('--log-file <file>', 'where logs go while the call screen is up (default: livecomm-tui.log in the config dir)', parsePath)
    .option('--duration <seconds>', 'leave after this many seconds', parseSeconds);
  if (!options.serverFlagsToo) {
    if (!options.noPassword) command.option('--password-file <file>', 'room password from the first line of FILE (or set LIVECOMM_PASSWORD)', parsePath);
    command
      .option('--config-dir <dir>', 'where known_hosts and the TLS identity live (default $XDG_CONFIG_HOME/livecomm-tui, env LIVECOMM_CONFIG_DIR)', parsePath);
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
