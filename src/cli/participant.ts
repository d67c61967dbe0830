import { join } from 'node:path';
import { Call } from '../client/call.js';
import type { CallEndedError } from '../client/errors.js';
import { KNOWN_HOSTS_FILE, checkKnownHostsUsable } from '../client/known-hosts.js';
import { Recorder } from '../client/recorder.js';
import { SpeakerLoop } from '../client/speaker-loop.js';
import { EchoCanceller } from '../media/audio/echo-canceller.js';
import { cancelEcho } from '../media/audio/echo-cancellation.js';
import { EchoSuppressor, suppressEcho } from '../media/audio/echo-suppressor.js';
import { NoiseSuppressor, suppressNoise } from '../media/audio/noise-suppressor.js';
import { SUPPORTED_AUDIO_CODECS } from '../media/audio/codec.js';
import { parseAudioSourceSpec, resolveSpeakerSink } from '../media/audio/resolve-source.js';
import type { AudioSource } from '../media/audio/format.js';
import { defaultName, passwordSource, resolveConfigDir, resolvePassword } from './common.js';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from './exit-codes.js';
import type { ClientFlags } from './flags.js';
import { endingSentence, exitCodeOf, runHeadless, unconfirmedChatSentence, whyNotSent } from './headless.js';
import { runTuiCall, type TuiCallOptions } from './tui-call.js';
import { openMediaSources } from './sources.js';
import { errorLine } from './printable.js';
import { escapeUnprintable } from '../util/unprintable.js';
import { elapsedClock } from '../util/clock.js';

export interface Participant {
  call: Call;
  speaker: SpeakerLoop;
  name: string;
  /** What sources and devices fell back to, to show once the UI is up. */
  notices: string[];
  /** Resolves with why the call ended. */
  ended: Promise<CallEndedError>;
}

/**
 * Builds a participant from flags: sources (with fallbacks), speaker, recorder and the Call, not yet started.
 * `given.password`, when the key is there, stands for the flag (host: the password its server already read; a
 * password file that is a pipe reads only once).
 */
export async function prepareParticipant(
  flags: ClientFlags,
  target: { host: string; port: number; tlsFingerprint?: string },
  env: NodeJS.ProcessEnv,
  given: { password?: string | undefined } = {},
): Promise<Participant> {
  const password = 'password' in given ? given.password : await resolvePassword(flags.passwordFile, env);
  const passwordFrom = 'password' in given ? undefined : passwordSource(flags.passwordFile, env);
  const configDir = resolveConfigDir(flags.configDir, env);
  const name = flags.name ?? defaultName();
  const fingerprint = target.tlsFingerprint ?? flags.fingerprint;
  const knownHostsPath = join(configDir, KNOWN_HOSTS_FILE);
  if (flags.tls && fingerprint === undefined) {
    try {
      checkKnownHostsUsable(knownHostsPath);
    } catch (err) {
      throw new UsageError(`--tls remembers servers in ${knownHostsPath}, which cannot be used: ${(err as Error).message} (choose another --config-dir, or pin the server with --fingerprint)`);
    }
  }
  const notices: string[] = [];
  const { video, audio: captured } = await openMediaSources(flags, name, (message) => notices.push(message));
  const speakerSpec = flags.speaker ?? (flags.headless ? 'none' : undefined);
  const { sink, notice } = await resolveSpeakerSink(speakerSpec);
  if (notice) notices.push(notice);
  // Until the call exists, notices wait to be shown at the start; after that they go out as call events at once
  // (a recording that stops mid-call because the disk is full must be heard about then, not never).
  let notify = (message: string): void => void notices.push(message);
  let recorder: Recorder | undefined;
  // The recording's times are on the server's clock, as the frames' are, once the call exists to know it.
  let recordingNow = (): number => Date.now();
  if (flags.record) {
    try {
      recorder = new Recorder({ dir: flags.record, onError: (message) => notify(message), now: () => recordingNow(), elapsedMs: elapsedClock() });
      // Said at the start, as a recording should be: you, at least, know it runs and where it goes.
      notices.push(`recording the others into ${flags.record}`);
    } catch (err) {
      await Promise.all([video?.stop(), captured?.stop(), sink?.close()]);
      throw new CliError((err as Error).message, ExitCode.USAGE, { cause: err });
    }
  }
  const speaker = new SpeakerLoop(sink, (message) => call.emitNotice(message));
  const fromMicrophone = ['mic', 'auto'].includes(parseAudioSourceSpec(flags.audio).kind);
  // Test sources (tones, WAVs) are clean already: only a microphone hears the room and the speaker.
  const audio = captured && fromMicrophone ? await processMicrophone(captured, flags, sink ? speaker : undefined, notices) : captured;
  const call: Call = new Call({
    session: {
      target: {
        host: target.host,
        port: target.port,
        ...(flags.tls ? { tls: { knownHostsPath, ...(fingerprint ? { fingerprint } : {}) } } : {}),
      },
      name,
      room: flags.room,
      ...(password !== undefined ? { password, passwordFrom } : {}),
      audioCodecs: [...SUPPORTED_AUDIO_CODECS],
    },
    ...(video ? { video } : {}),
    ...(audio ? { audio } : {}),
    ...(recorder ? { recorder } : {}),
    onRemoteAudio: (id, seq, pcm, timing) => speaker.push(id, seq, pcm, timing),
    transmit: flags.transmit ?? 'voice',
    // The call screen asks for a password the server wants and none was given for; headless, the refusal names
    // --password-file (stdin is chat there).
    ...(flags.headless ? {} : { askForPassword: true }),
    ...(flags.videoBitrate ? { videoBitsPerSecond: flags.videoBitrate * 1000 } : {}),
    ...(flags.receiveVideo === false ? { receiveVideo: false } : {}),
    onOwnAudio: (pcm) => speaker.pushOwn(pcm),
    // The speaker closes with the microphone (runParticipant's stop then finds it closed).
    stopWith: () => speaker.stop(),
  });
  notify = (message) => call.emitNotice(message);
  recordingNow = () => call.serverWallMs();
  const ended = new Promise<CallEndedError>((resolve) => {
    call.on((event) => {
      if (event.type === 'ended') resolve(event.error);
      if (event.type === 'participant-left') speaker.remove(event.id);
    });
  });
  return { call, speaker, name, notices, ended };
}

/**
 * A microphone's processing, in order: the echo canceller first (it needs the echo as the speaker made it, before
 * anything non-linear touches it), then RNNoise for the fan and hum, then the suppression of what echo is left.
 * Without a speaker there is no echo to take out.
 */
async function processMicrophone(mic: AudioSource, flags: ClientFlags, speaker: SpeakerLoop | undefined, notices: string[]): Promise<AudioSource> {
  let audio = mic;
  const canceller = speaker && flags.echoCancellation !== false ? new EchoCanceller() : undefined;
  if (speaker && canceller) {
    const cancellation = cancelEcho(audio, canceller);
    speaker.onPlayed((pcm) => cancellation.farEnd(pcm));
    speaker.onLost(() => cancellation.farEndGone());
    speaker.onBack(() => cancellation.farEndBack());
    audio = cancellation.source;
  }
  if (flags.noiseSuppression !== false) {
    try {
      audio = suppressNoise(audio, await NoiseSuppressor.create());
    } catch (err) {
      notices.push(`noise suppression is not available (${(err as Error).message}): your microphone is sent as it is`);
    }
  }
  if (speaker && flags.echoSuppression !== false) {
    const suppressor = new EchoSuppressor(canceller ? { residualEchoGain: () => canceller.residualEchoGain, echoShare: () => canceller.echoShare } : {});
    speaker.onPlayed((pcm) => suppressor.farEnd(pcm));
    // A lost speaker plays nothing until it is back: its last loud frames must not hold the microphone down meanwhile.
    speaker.onLost(() => suppressor.farEndGone());
    audio = suppressEcho(audio, suppressor);
  }
  return audio;
}

/** How to run a prepared participant: headless (JSON lines) or the call screen. */
export interface RunMode {
  headless?: boolean;
  /** Leave after this many seconds. */
  duration?: number;
  /** Call-screen settings (ignored headless). */
  screen: Omit<TuiCallOptions, 'call' | 'speaker' | 'notices' | 'selfName'>;
  /** Printed first in headless mode (e.g. host's join line). */
  headlessPreamble?: object;
}

/** Runs the call to its end and returns the exit code; a failure is one sentence on stderr. */
export async function runParticipant(participant: Participant, mode: RunMode): Promise<ExitCodeValue> {
  const { call, speaker, notices } = participant;
  if (mode.headless) {
    speaker.start();
    const code = await runHeadless({
      call, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr,
      preamble: [...(mode.headlessPreamble ? [mode.headlessPreamble] : []), ...notices.map((message) => ({ type: 'notice', message }))],
      ...(mode.duration !== undefined ? { durationSeconds: mode.duration } : {}),
      hosting: mode.screen.joinLine !== undefined,
    });
    await speaker.stop();
    return code;
  }
  // Counted from the join, as headless counts it: a call that never starts still fails as one.
  if (mode.duration !== undefined) {
    const durationMs = mode.duration * 1000;
    const off = call.on((event) => {
      if (event.type !== 'joined') return;
      off();
      setTimeout(() => void call.leave(), durationMs).unref();
    });
  }
  const unsent = await runTuiCall({ ...mode.screen, call, speaker, notices, selfName: participant.name });
  const error = await participant.ended;
  const code = exitCodeOf(error);
  if (code !== ExitCode.OK) process.stderr.write(errorLine(error.message));
  else process.stdout.write(`${escapeUnprintable(endingSentence(error, mode.screen.joinLine !== undefined))}\n`);
  // Messages that waited for a join that never came (the call ended while reconnecting): said, not lost unseen.
  // The call screen shows a message as sent when it is typed; one typed while (re)connecting waits for the join.
  for (const text of call.chatUnsent) process.stdout.write(`your chat message was not sent (${whyNotSent(call)}): ${escapeUnprintable(text)}\n`);
  const unconfirmed = unconfirmedChatSentence(call, error);
  if (unconfirmed) process.stdout.write(`${escapeUnprintable(unconfirmed)}\n`);
  // Typed when the call ended (the host ended it mid-sentence): shown on the plain terminal, to copy, not retype.
  if (unsent) process.stdout.write(`your chat line was not sent: ${unsent}\n`);
  return code;
}
