import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Call } from '../client/call.js';
import { SUPPORTED_AUDIO_CODECS } from '../media/audio/codec.js';
import type { AudioSource } from '../media/audio/format.js';
import { createWavFileSource } from '../media/audio/wav.js';
import { createVideoSource } from '../media/video/create-source.js';
import { DEFAULT_VIDEO_OPTIONS, type VideoSource } from '../media/video/source.js';
import { createLogger } from '../server/logger.js';
import { startServer } from '../server/server.js';
import { logFileFor } from './connect.js';
import type { ExitCodeValue } from './exit-codes.js';
import type { ClientFlags } from './flags.js';
import { prepareParticipant, runParticipant } from './participant.js';
import { openLogFile, reportLogFailure } from './log-file.js';
import { checkScreenFlags } from './tui-call.js';
import { defaultName } from './common.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

interface Guest {
  name: string;
  video: string;
  audio: string | undefined;
}

/** The two built-in guests: distinct video, one of them talking, both chatting now and then. */
const GUESTS: readonly Guest[] = [
  { name: 'Ada', video: `file:${FIXTURES}clip-chelsea-3s.mp4`, audio: `${FIXTURES}speech.wav` },
  { name: 'Grace', video: 'pattern', audio: undefined },
];

/** The guests, renamed where one would take your name (names are unique in a room, regardless of case). */
export function guestsBeside(yourName: string): Guest[] {
  return GUESTS.map((g) => (g.name.toLowerCase() === yourName.toLowerCase() ? { ...g, name: `${g.name} (guest)` } : g));
}

const CHAT_LINES: ReadonlyArray<readonly [string, string]> = [
  ['Ada', 'Hi! Can you hear me? I am reading the demo script.'],
  ['Grace', 'Press ? for the keys. m mutes you, v turns your camera off.'],
  ['Ada', 'Try Tab to focus me and f to spotlight.'],
  ['Grace', 'Press s for call statistics: fps, bitrate, latency.'],
  ['Ada', 'g draws us with finer blocks: sharper, if your font has them.'],
  ['Grace', 'Say hello with c, type, Enter.'],
  ['Ada', 'When you are done, q leaves the call.'],
];

/**
 * `livecomm-tui demo`: a call on this machine with two synthetic guests, so a new user with no camera and no peer
 * sees the product at once. Everything runs in this process on loopback.
 */
export async function runDemo(flags: ClientFlags, env: NodeJS.ProcessEnv): Promise<ExitCodeValue> {
  checkScreenFlags({ color: flags.color }, false);
  const logFile = logFileFor(flags, env);
  const logStream = openLogFile(logFile, { asked: flags.logFile !== undefined });
  const server = await startServer({ host: '127.0.0.1', port: 0, logger: createLogger('text', (line) => logStream.write(line)) });
  const guests: Call[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    // In your room, under names that are not yours.
    for (const guest of guestsBeside(flags.name ?? defaultName())) guests.push(await startGuest(guest, server.port, flags.room));
    let line = 0;
    timers.push(setInterval(() => {
      const [from, text] = CHAT_LINES[line++ % CHAT_LINES.length]!;
      guests[GUESTS.findIndex((g) => g.name === from)]?.sendChat(text);
    }, 12_000));
    // The demo's own server has no password: LIVECOMM_PASSWORD, meant for real calls, is not for it (set but empty,
    // it failed the demo as a mistake).
    const participant = await prepareParticipant(flags, { host: '127.0.0.1', port: server.port }, env, { password: undefined });
    reportLogFailure(logStream, participant.notices, (message) => participant.call.emitNotice(message));
    const code = await runParticipant(participant, {
      ...(flags.duration !== undefined ? { duration: flags.duration } : {}),
      screen: { color: flags.color, symbols: flags.symbols, room: flags.room, address: `demo on 127.0.0.1:${server.port}`, logFile, log: logStream },
    });
    process.stdout.write('demo ended. Start a real call with: livecomm-tui host\n');
    return code;
  } finally {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(guests.map((g) => g.leave()));
    await server.close('call-ended');
    logStream.end();
  }
}

async function startGuest(guest: Guest, port: number, room: string): Promise<Call> {
  let video: VideoSource | undefined;
  // The clip needs ffmpeg; without it the guest shows a pattern.
  const spec = guest.video.startsWith('file:') && !existsSync(guest.video.slice(5)) ? 'pattern' : guest.video;
  try {
    video = (await createVideoSource(spec, DEFAULT_VIDEO_OPTIONS, { name: guest.name })).source ?? undefined;
  } catch {
    video = (await createVideoSource('pattern', DEFAULT_VIDEO_OPTIONS, { name: guest.name })).source ?? undefined;
  }
  let audio: AudioSource | undefined;
  if (guest.audio && existsSync(guest.audio)) audio = await createWavFileSource(guest.audio);
  const call = new Call({
    session: { target: { host: '127.0.0.1', port }, name: guest.name, room, audioCodecs: [...SUPPORTED_AUDIO_CODECS] },
    ...(video ? { video } : {}),
    ...(audio ? { audio } : {}),
    decodeVideo: false,
  });
  call.start();
  await new Promise<void>((resolve) => call.on((e) => (e.type === 'joined' || e.type === 'ended') && resolve()));
  return call;
}
