import { InvalidArgumentError, Option, type Command } from 'commander';
import { TRANSMIT_MODES, type TransmitMode } from '../media/audio/voice-gate.js';
import { SYMBOL_SETS, type SymbolSet } from '../media/video/cell-symbols.js';
import { isLinkLocalWithoutZone } from '../net/address.js';
import { DEFAULT_PORT, MAX_LISTED_PARTICIPANTS } from '../protocol/index.js';
import type { LogFormat } from '../server/logger.js';
import { DEFAULT_ROOM, parseKbits, parseLogFormat, parseName, parseOnOff, parsePath, parsePort, parsePositiveInt, parseRoom, parseSeconds, parseSpeaker } from './common.js';

/*
 * Every command's flags, apart from the code that runs it: the CLI loads only the command it runs (`serve` never
 * loads the call screen, media or TLS certificate generation), which keeps an idle server's memory low.
 */

/** Flags of a participant (`connect`, and the participant half of `host` and `demo`). */
export interface ClientFlags {
  name?: string;
  room: string;
  tls?: boolean;
  fingerprint?: string;
  passwordFile?: string;
  video: string;
  audio: string;
  speaker?: string;
  /** Default on: applies when the microphone and a speaker are both in use. */
  echoSuppression?: boolean;
  /** Default on: cancel the speaker's echo with an adaptive filter (microphone and speaker both in use). */
  echoCancellation?: boolean;
  /** Clean the microphone of background noise (RNNoise). Default on. */
  noiseSuppression?: boolean;
  /** Send audio only while you talk (default) or all the time (docs/protocol.md §4.3). */
  transmit?: TransmitMode;
  /** kbit/s the video may use (`--video-bitrate`). Default 240. */
  videoBitrate?: number;
  /** Receive the others' video (default on); off: audio only. */
  receiveVideo?: boolean;
  color: string;
  /** The characters video is drawn with (`--symbols`). Default half blocks. */
  symbols?: SymbolSet;
  configDir?: string;
  headless?: boolean;
  duration?: number;
  record?: string;
  logFile?: string;
}

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
    .option('--speaker <device>', `speaker device (PortAudio id or name), or "none" (default: the default device${options.headless ? '; none with --headless' : ''})`, parseSpeaker)
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
      .option('--fingerprint <SHA256:...>', 'the server certificate fingerprint to require (implies --tls)');
  }
  return command;
}

/** Flags shared by `serve` and `host`. */
export interface ServerFlags {
  bind?: string;
  port: number;
  tls?: boolean;
  cert?: string;
  key?: string;
  passwordFile?: string;
  maxParticipants: number;
  maxConnectionsPerAddress: number;
  connectionRate: number;
  logFormat: LogFormat;
  configDir?: string;
}

/** `--max-participants`: no more than a WELCOME may list (clients refuse a longer member list). */
export function parseMaxParticipants(text: string): number {
  const value = parsePositiveInt(text);
  if (value > MAX_LISTED_PARTICIPANTS) throw new InvalidArgumentError(`must be at most ${MAX_LISTED_PARTICIPANTS}.`);
  return value;
}

/** `--bind`: an address or host name; an IPv6 address may come in brackets, as the server prints it ("[::1]:7447"). */
export function parseBindAddress(text: string): string {
  const bare = /^\[(.*)\]$/.exec(text.trim())?.[1] ?? text.trim();
  if (bare === '') throw new InvalidArgumentError('needs an address, e.g. 127.0.0.1 or ::1.');
  const withPort = /^\[(.+)\]:\d+$/.exec(bare)?.[1] ?? (/^[^:]+:\d+$/.test(bare) ? bare.replace(/:\d+$/, '') : undefined);
  if (withPort !== undefined) throw new InvalidArgumentError(`takes the address alone (${withPort}): the port goes in --port.`);
  if (isLinkLocalWithoutZone(bare)) throw new InvalidArgumentError(`${bare} is link-local: it needs the interface it is on, e.g. ${bare}%eth0.`);
  return bare;
}

export function addServerFlags(command: Command): Command {
  return command
    .option('--bind <addr>', 'address to listen on (default: all interfaces)', parseBindAddress)
    .option('--port <n>', 'TCP port to listen on', parsePort, DEFAULT_PORT)
    .option('--tls', 'encrypt with TLS 1.3; generates a key and self-signed certificate in the config dir on first use')
    .option('--cert <file>', 'PEM certificate to use with --tls instead of the generated one', parsePath)
    .option('--key <file>', 'PEM private key for --cert', parsePath)
    .option('--password-file <file>', 'require the password on the first line of FILE (or set LIVECOMM_PASSWORD)', parsePath)
    .option('--max-participants <n>', `most participants per room (at most ${MAX_LISTED_PARTICIPANTS})`, parseMaxParticipants, 32)
    .option('--max-connections-per-address <n>', 'most connections open at once from one address (raise it for a large office behind one NAT address)', parsePositiveInt, 64)
    .option('--connection-rate <n>', 'new connections per second one address may open on average (bursts of 4× that)', parsePositiveInt, 10)
    .option('--log-format <format>', 'server log format, text or json (serve: on stderr; host: in the log file)', parseLogFormat, 'text' as LogFormat)
    .option('--config-dir <dir>', 'where the TLS key, certificate and known_hosts live (default $XDG_CONFIG_HOME/livecomm-tui, env LIVECOMM_CONFIG_DIR)', parsePath);
}

export interface PreviewFlags {
  video: string;
  once?: boolean;
  size?: { cols: number; rows: number };
  color: string;
  symbols: SymbolSet;
}

export function addPreviewFlags(command: Command): Command {
  return command
    .option('--video <source>', 'auto | webcam[:DEVICE] | v4l2:DEVICE | pattern | file:PATH', 'auto')
    .option('--once', 'print one rendered frame to stdout and exit (like an image viewer)')
    .option('--size <COLSxROWS>', 'size in cells, at most the terminal\'s (default: the terminal, less a row for the prompt or the status line; 80x24 when not a terminal)', parseSize)
    .option('--color <mode>', 'auto | truecolor | 256 | 16 | mono (auto reads COLORTERM/TERM, then asks the terminal; NO_COLOR means mono)', 'auto')
    .addOption(new Option('--symbols <set>', 'half (2 pixels a cell) | quadrant (4) | sextant (6, needs a font that has them)').choices(SYMBOL_SETS).default('half'));
}

function parseSize(text: string): { cols: number; rows: number } {
  const match = /^(\d+)x(\d+)$/i.exec(text.trim());
  if (!match) throw new InvalidArgumentError('must be COLSxROWS, e.g. 80x24.');
  if (Number(match[1]) < 1 || Number(match[2]) < 1 || Number(match[1]) > 1000 || Number(match[2]) > 1000) {
    throw new InvalidArgumentError('columns and rows must each be between 1 and 1000.');
  }
  return { cols: Number(match[1]), rows: Number(match[2]) };
}
