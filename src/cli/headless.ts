import { StringDecoder } from 'node:string_decoder';
import type { Call } from '../client/call.js';
import { chatMessagesOf, mayNotHaveArrived } from '../client/call-chat.js';
import type { CallEvent } from '../client/call-types.js';
import type { ChatEntry } from '../protocol/index.js';
import { EndKind, type CallEndedError } from '../client/errors.js';
import { isBackgroundJob } from './background-job.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { headlessOut, HeadlessOutput } from './headless-output.js';
import { HeadlessRoster } from './headless-roster.js';
import { errorLine } from './printable.js';
import { StdinLines } from './stdin-lines.js';

/**
 * `connect --headless` (SPEC §1): no TUI; one JSON object per line on stdout, each line of stdin sent as chat,
 * `--duration` to leave after a while. Resolves with the exit code.
 */
export interface HeadlessOptions {
  call: Call;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  durationSeconds?: number;
  /** Lines printed before the call's own events (`hosting`, notices from setting up). */
  preamble?: object[];
  /** `host --headless`: leaving ends the call for everyone. */
  hosting?: boolean;
}

/** Said when stdin is the terminal of a background job, which reading it would stop. */
export const BACKGROUND_STDIN_NOTICE = 'chat is not read from this terminal: started in the background (&), reading '
  + 'it would stop this participant at the first line typed in the shell; give stdin a pipe, or </dev/null';

/** Chat messages let ahead into the call's outbox at once; stdin waits while more are. */
const CHAT_LINES_AHEAD = 20;
const CHAT_FEED_MS = 100;
/** Signals that leave the call; after it, until the process exits, they are ignored. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const ignoreAfterEnd = (): void => {};
export function runHeadless(options: HeadlessOptions): Promise<ExitCodeValue> {
  const { call, stdin, stdout, stderr } = options;
  return new Promise((resolve) => {
    // Whoever read our events went away (`| head`, a closed pipe): nobody follows the call any more, so leave it
    // cleanly — the others see us go — and end as `yes | head` does, quietly, instead of dying on EPIPE.
    // Any other failure (a full disk under `> events.jsonl`) is no reader leaving: the call, and a recording, go on,
    // and the events go on once the disk has room again (headless-output.ts).
    // Every line is stamped on the clock of chat's `ts` and of a recording: the server's, as the call estimates it.
    const output = new HeadlessOutput({
      out: headlessOut(stdout), stderr, now: () => Math.round(call.serverWallMs()), readerGone: () => void call.leave(),
    });
    const print = (value: object): void => output.print(value);
    // Stderr failing too (`> events.jsonl 2>&1` on the full disk) leaves nothing to act on or say it on: unheard, its
    // error ended the process as an uncaught one (exit 1, the others seeing a lost link, the recording cut).
    stderr.on('error', () => {});
    let durationTimer: NodeJS.Timeout | undefined;
    // A file piped in is read as fast as chat may go (CLIENT_CHAT_PACE), not faster: lines past what the outbox
    // holds were refused, one notice each. Lines read while over the mark wait here, and stdin pauses. They wait as
    // the messages they go as: a long line handed over whole could split into more than the outbox has room for,
    // and the rest was refused ("send the rest later", which a piped file cannot).
    const backlog: string[] = [];
    let feedTimer: NodeJS.Timeout | undefined;
    const feed = (): void => {
      feedTimer = undefined;
      while (backlog.length > 0 && call.chatWaiting < CHAT_LINES_AHEAD) call.sendChat(backlog.shift()!);
      if (backlog.length === 0) stdin.resume();
      else feedTimer = setTimeout(feed, CHAT_FEED_MS);
    };
    const onLine = (line: string): void => {
      for (const message of chatMessagesOf(line.trim())) backlog.push(message);
      if (backlog.length === 0 || feedTimer) return;
      feed();
      if (backlog.length > 0) stdin.pause();
    };
    const decoder = new StringDecoder('utf8');
    const stdinLines = new StdinLines();
    const onData = (chunk: Buffer | string): void => {
      for (const line of stdinLines.push(typeof chunk === 'string' ? chunk : decoder.write(chunk))) onLine(line);
    };
    const onEnd = (): void => {
      for (const line of [...stdinLines.push(decoder.end()), ...stdinLines.end()]) onLine(line);
    };
    // Stdin that cannot be read (a folder) is one without chat: the call goes on, as at its end.
    const onStdinError = (): void => {};
    // A background job (`&`) whose stdin is the terminal would be stopped by the first line typed in the shell: it
    // reads no chat instead, and says so.
    const stdinUnread = (stdin as { isTTY?: boolean }).isTTY === true && isBackgroundJob();
    if (!stdinUnread) {
      stdin.on('data', onData);
      stdin.on('end', onEnd);
      stdin.on('error', onStdinError);
    }
    const onSignal = (): void => {
      void call.leave();
    };
    // SIGHUP: the terminal or SSH session it was started from went away; leave as for Ctrl-C. Every signal, not the
    // first alone: a second Ctrl-C, or Ctrl-C reaching both a bot and this process and the bot passing on a SIGTERM,
    // met Node's default while the goodbye was on its way — death by the signal. Leaving again changes nothing.
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    // Printed once the signals are ours: a script that stops the call as soon as it reads `hosting` would otherwise
    // kill it with Node's default, and the others would see a lost link rather than the call ending.
    for (const line of options.preamble ?? []) print(line);
    if (stdinUnread) print({ type: 'notice', message: BACKGROUND_STDIN_NOTICE });

    const roster = new HeadlessRoster();
    call.on((event) => {
      if (event.type === 'participant-joined' || event.type === 'state') roster.joined(event.participant);
      if (event.type === 'participant-left' && !roster.left(event.id, event.reason)) return;
      const json = toJsonEvent(event, call);
      if (json) print(json);
      if (event.type === 'joined') for (const line of roster.welcome(event.welcome.participants, event.rejoined)) print(line);
      // The room's last lines, as a late joiner's call screen shows them: a bot that logs the room needs them, marked
      // as the past. After a rejoin the call passes on what was missed meanwhile as chat events, as news.
      if (event.type === 'joined' && !event.rejoined) {
        for (const entry of event.welcome.chat) print({ ...chatLine(entry), history: true });
      }
      if (event.type === 'ended') {
        if (feedTimer) clearTimeout(feedTimer);
        // Lines read but not sent when the call ended (--duration, a signal) are said, not dropped without a word.
        const unsent = backlog.length + call.chatWaiting;
        if (unsent > 0) print({ type: 'notice', message: `${unsent} chat message${unsent === 1 ? '' : 's'} not sent: ${whyNotSent(call)}` });
        const unconfirmed = unconfirmedChatSentence(call, event.error);
        if (unconfirmed) print({ type: 'notice', message: unconfirmed });
        // A failure is reported as `error`, then every ending as `left` with its reason.
        if (exitCodeOf(event.error) !== ExitCode.OK) print({ type: 'error', code: event.error.code, message: event.error.message });
        print({ type: 'left', reason: event.error.code, message: endingSentence(event.error, options.hosting === true) });
        output.end();
      }
      if (event.type === 'joined' && !event.rejoined && options.durationSeconds !== undefined) {
        durationTimer = setTimeout(() => void call.leave(), options.durationSeconds * 1000);
      }
      if (event.type === 'ended') {
        if (durationTimer) clearTimeout(durationTimer);
        // Swapped, not just taken off: a signal between here and the exit (the host's server still telling the
        // others the call ended) would meet Node's default, death by the signal, the others left reconnecting.
        for (const signal of STOP_SIGNALS) {
          if (!process.listeners(signal).includes(ignoreAfterEnd)) process.on(signal, ignoreAfterEnd);
          process.off(signal, onSignal);
        }
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.pause();
        const code = exitCodeOf(event.error);
        if (code !== ExitCode.OK) stderr.write(errorLine(event.error.message));
        resolve(code);
      }
    });
    call.start();
  });
}

/** How a call's end is told: a host's own leave ends it for everyone (host.ts closes the server), so it says that. */
export function endingSentence(error: CallEndedError, hosting: boolean): string {
  return hosting && error.kind === EndKind.LEFT ? 'you ended the call for everyone' : error.message;
}

export function exitCodeOf(error: CallEndedError): ExitCodeValue {
  switch (error.kind) {
    case EndKind.LEFT:
      return ExitCode.OK;
    case EndKind.REFUSED:
      return ExitCode.REFUSED;
    case EndKind.SERVER_CLOSED:
      return error.code === 'call-ended' ? ExitCode.OK : ExitCode.NETWORK;
    case EndKind.INTERNAL:
      return ExitCode.FAILURE;
    default:
      return ExitCode.NETWORK;
  }
}

/**
 * After a call that ended with its link lost, the sentence for the chat sent into it that no answer from the server
 * proves arrived (whether it did is not known); undefined after any other ending, or with none.
 */
export function unconfirmedChatSentence(call: Pick<Call, 'chatUnconfirmed'>, error: CallEndedError): string | undefined {
  if (exitCodeOf(error) !== ExitCode.NETWORK || call.chatUnconfirmed.length === 0) return undefined;
  return mayNotHaveArrived(call.chatUnconfirmed, 'the connection was lost before the server answered');
}

/** Why chat waiting when the call ended was not sent. */
export function whyNotSent(call: Pick<Call, 'joinedOnce'>): string {
  return call.joinedOnce ? 'the call ended first' : 'the call was never joined';
}

/** A `chat` line: who said it, what, and when (the server's stamp). */
function chatLine(entry: ChatEntry): { type: 'chat'; from: string; fromId: number; text: string; ts: number } {
  return { type: 'chat', from: entry.from, fromId: entry.fromId, text: entry.text, ts: entry.ts };
}

/** Maps call events to the JSON-lines vocabulary of SPEC §1. Media events are not printed. */
export function toJsonEvent(event: CallEvent, call: Call): object | undefined {
  switch (event.type) {
    case 'joined':
      return {
        type: 'joined',
        room: event.welcome.room,
        id: event.welcome.id,
        name: event.welcome.name,
        participants: event.welcome.participants,
        audioCodec: event.welcome.audioCodec,
        rejoined: event.rejoined,
      };
    case 'participant-joined':
      return { type: 'participant-joined', ...event.participant };
    case 'participant-left':
      return { type: 'participant-left', id: event.id, name: event.name, reason: event.reason };
    case 'chat':
      return chatLine(event.entry);
    case 'chat-sent':
      return { ...chatLine(event.entry), own: true };
    case 'state':
      return { type: 'state', ...event.participant };
    case 'stats':
      return { type: 'stats', ...event.stats, self: call.self };
    case 'status':
      if (event.status === 'joined' && event.detail === 'reconnected') return { type: 'status', status: 'reconnected' };
      return event.status === 'reconnecting' || (event.status === 'connecting' && event.attempt !== undefined)
        ? { type: 'status', status: event.status, detail: event.detail, attempt: event.attempt, attempts: event.attempts, retryInMs: event.retryInMs }
        : undefined;
    case 'trust':
      return { type: 'trust', trust: event.trust.type, fingerprint: event.trust.fingerprint };
    case 'notice':
      return { type: 'notice', message: event.message };
    default:
      return undefined;
  }
}
