import { closeSync, fstatSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_RATE } from '../media/audio/format.js';
import { peakOf } from '../media/audio/level.js';
import { WavFileWriter } from '../media/audio/wav-writer.js';
import type { ChatEntry } from '../protocol/index.js';
import { shortWriteError } from '../util/coded-error.js';
import { fsErrorText, makeDirectory } from '../util/fs-errors.js';
import { fileStemForName, foldedFileName, freshName } from './recording-names.js';

/**
 * `--record DIR` (SPEC §1): per remote participant `<name>.mjpeg` (received JPEG frames back to back),
 * `<name>.frames.jsonl` (seq, capture ts, receive ts per frame) and `<name>.wav` (decoded audio, 48 kHz mono
 * 16-bit), plus `chat.jsonl`, and `participants.jsonl` saying whose files are whose (a line per file made: name, file,
 * when it began). Nothing already in the folder is overwritten or appended to: a name whose files are
 * there (an earlier recording, or another recorder's made at the same moment: files are created exclusively), or that
 * two participants' names both make, gets `-2`, `-3`, … (`chat-2.jsonl`).
 *
 * WAV timeline: sample 0 is the moment the participant was first heard, and every frame is placed by its capture
 * time relative to the first frame's, with silence written into gaps (muting, loss, a reconnect). Differences under
 * 60 ms (a sender's clock drifting from ours) are put right in the next quiet frame, not mid-word. When the
 * participant leaves, or the recording closes while they are there, the file is padded to that moment. So a file's
 * position is wall-clock time.
 *
 * Writes are synchronous and small (one frame at a time) so a crash or SIGKILL loses at most the frame being
 * written, and the WAV header is rewritten after every frame so its sizes always match the data on disk. A write error (full disk) stops that file, reports
 * once through `onError`, and never ends the call.
 */
export interface RecorderOptions {
  dir: string;
  onError?: (message: string) => void;
  /** The time written into the recording (`participants.jsonl`): the server's clock. Default `Date.now`. */
  now?: () => number;
  /**
   * The clock the files' timelines follow (where silence goes, how long a file is). Default `now`; the CLI gives
   * elapsedClock(). Not the server's clock: that one moves when the link comes back to a server restarted or moved
   * with another clock, which is no time passing (an hour's move wrote an hour of silence into every WAV). Nor
   * `Date.now`, which goes on while this machine sleeps but also moves when its clock is set: set back, every quiet
   * frame after that was taken for one ahead of its place and dropped, for as long as the clock had gone back; set
   * forward, the file got that much silence that never happened (elapsedClock counts sleep on Linux's boot clock).
   */
  elapsedMs?: () => number;
}

interface ParticipantFiles {
  /** The files made for them, by suffix (the stem of each may differ: openFile). */
  made: Partial<Record<ParticipantFile, string>>;
  mjpeg?: number;
  framesLog?: number;
  wav?: WavFileWriter;
  /** Capture ts of the first audio frame, and when by `elapsedMs` it was captured (received, if its stamp was off). */
  audioOrigin?: { captureTs: number; heardAt: number };
  /** Capture ts of the last audio frame: a late frame that goes on from it was delayed, not stamped by another clock. */
  lastCaptureTs?: number;
  /** Left the call and not heard or seen since: their WAV ended when they left. */
  away?: boolean;
}

/** The files a participant's recording is made of, after its stem. */
const PARTICIPANT_FILES = ['.mjpeg', '.frames.jsonl', '.wav'] as const;
type ParticipantFile = (typeof PARTICIPANT_FILES)[number];
/** How far a sender's capture times may fall behind our clock (jitter, a stall) before they are matched to it again. */
const REANCHOR_MS = 2000;
/**
 * How far they may run ahead of it: the network only delays, so a frame more than a second early is another clock
 * (one set forward, or the first frame heard late). Capping the stamp there instead placed frames by arrival time,
 * and every frame 60 ms late on the way cut a hole of silence into a word.
 */
const MAX_AHEAD_MS = 1000;
/** A gap this long (60 ms) is silence the sender did not send, not drift or jitter. */
const REAL_GAP_SAMPLES = (SAMPLE_RATE * 60) / 1000;
/** A frame whose peak stays under this (−35 dBFS) is where the timeline may be put right unheard. */
const QUIET_PEAK = 600;
export class Recorder {
  private readonly files = new Map<string, ParticipantFiles>();
  /** Each participant's file stem, chosen once: names that make the same stem ("a b", "a_b") get -2, -3, …. */
  private readonly stems = new Map<string, string>();
  /** The stems given out, folded (foldedFileName): "A_B" is not made beside "a_b". */
  private readonly stemsTaken = new Set<string>();
  private readonly chatFile: string;
  private chatFd: number | undefined;
  /** Whose files are whose (`participants.jsonl`): "😀" and "🎉" both make `_`, and "a b" and "a_b" both `a_b`. */
  private readonly indexFile: string;
  private indexFd: number | undefined;
  /** Files already in the index (one opened again after its participant came back is not listed twice). */
  private readonly indexedFiles = new Set<string>();
  private readonly failed = new Set<string>();
  private readonly now: () => number;
  private readonly elapsedMs: () => number;
  private closed = false;

  /** Creates the folder. Throws with one sentence when it cannot be created or written. */
  constructor(private readonly options: RecorderOptions) {
    this.now = options.now ?? Date.now;
    this.elapsedMs = options.elapsedMs ?? this.now;
    try {
      makeDirectory(options.dir);
    } catch (err) {
      throw new Error(`cannot record into ${options.dir}: ${(err as Error).message}`, { cause: err });
    }
    // Never into an earlier recording's files: a folder used before keeps them, and this call's get new names.
    // The chat and the index are made now, together and exclusively, with one number (chat-2.jsonl goes with
    // participants-2.jsonl): the index made at the first participant heard was, for a second recorder started into
    // the folder meanwhile, the first one's, and both wrote their files into it.
    let made: { chat: string; index: string; chatFd: number; indexFd: number } | undefined;
    for (let n = 1; !made; n++) {
      const suffix = n === 1 ? '' : `-${n}`;
      made = createPair(options.dir, `chat${suffix}.jsonl`, `participants${suffix}.jsonl`);
    }
    ({ chat: this.chatFile, index: this.indexFile, chatFd: this.chatFd, indexFd: this.indexFd } = made);
  }

  videoFrame(name: string, seq: number, captureTs: number, receiveTs: number, jpeg: Uint8Array): void {
    const files = this.filesFor(name);
    files.mjpeg ??= this.openFile(name, files, '.mjpeg');
    files.framesLog ??= this.openFile(name, files, '.frames.jsonl');
    const mjpeg = files.made['.mjpeg'];
    // One log line per whole JPEG, or neither: a frame that cannot be completed (disk full) is taken back.
    if (files.mjpeg === undefined || mjpeg === undefined || !this.append(files.mjpeg, mjpeg, jpeg)) return;
    const line = Buffer.from(`${JSON.stringify({ seq, captureTs, receiveTs })}\n`);
    if (!this.append(files.framesLog, files.made['.frames.jsonl'] ?? '', line)) {
      takeBack(files.mjpeg, jpeg.length);
      this.fail(mjpeg, new Error('its frame log could not be written'));
    }
  }

  audioFrame(name: string, captureTs: number, pcm: Int16Array): void {
    const files = this.filesFor(name);
    if (!files.wav) {
      // Made new (exclusively) first: the writer opens it to write, which would empty a file already there.
      const made = this.openFile(name, files, '.wav', false);
      if (made === undefined) return;
      closeQuietly(made);
    }
    const path = files.made['.wav']!;
    if (this.failed.has(path)) return;
    try {
      const now = this.elapsedMs();
      if (!files.wav) {
        // Sizes rewritten with every frame (two 4-byte writes): however the process ends, the header matches the data.
        files.wav = new WavFileWriter(join(this.options.dir, path), { headerIntervalMs: 0 });
        // Its first sample stands for when this frame was captured (what follows is placed by capture time), as a
        // video frame's captureTs does: sound and pictures line up. Not when it arrived: a first frame sent late (a
        // process starting, a spurt's onset) put all the sound that much after the pictures. A stamp further off
        // than the placement below accepts is not taken.
        const lateMs = this.now() - captureTs;
        const byStamp = lateMs >= 0 && lateMs <= MAX_AHEAD_MS;
        files.audioOrigin = { captureTs, heardAt: byStamp ? now - lateMs : now };
        this.indexed(name, path, byStamp ? captureTs : undefined);
      }
      const origin = files.audioOrigin!;
      const sinceHeardMs = now - origin.heardAt;
      // Placed by the sender's capture time while it agrees with our clock: at most a second ahead (never past the wall
      // clock, and a second of jitter) or a couple of seconds behind. When it does not (a broken first stamp, a first
      // frame heard late, a sender whose clock was set, someone of that name back from another machine),
      // its clock is matched to ours again from this frame on: one bad stamp must not misplace the rest of the file.
      // Frames held up on the way (this process stopped, a stalled link) arrive seconds late in a burst whose stamps
      // go on from the last one: placed by them, not taken for another clock (that put the backlog after seconds of
      // silence, the rest of the file seconds late).
      let byCapture = captureTs - origin.captureTs;
      const delayed = byCapture < sinceHeardMs && files.lastCaptureTs !== undefined && captureTs >= files.lastCaptureTs;
      const anchored =
        !Number.isFinite(byCapture) || byCapture - sinceHeardMs > MAX_AHEAD_MS || (sinceHeardMs - byCapture > REANCHOR_MS && !delayed);
      if (Number.isFinite(captureTs)) files.lastCaptureTs = captureTs;
      if (anchored) {
        origin.captureTs = Number.isFinite(captureTs) ? captureTs - sinceHeardMs : Number.NaN;
        byCapture = sinceHeardMs;
      }
      const due = Math.round((byCapture * SAMPLE_RATE) / 1000);
      const gap = due - files.wav.samplesWritten;
      if (Math.max(gap, 0) + pcm.length > files.wav.samplesLeft) {
        // The format's 4 GiB (12 hours, silence for time away included): their sound goes on in a new file, which
        // the index lists with when it begins, instead of stopping for the rest of a recorder left in a room.
        this.endWav(files);
        this.audioFrame(name, captureTs, pcm);
        return;
      }
      // A gap of a few frames is silence the sender did not send (muting, a pause, loss, a reconnect): filled at once.
      // A smaller difference is the sender's clock drifting from ours or a frame stamped late; putting it right
      // mid-word is a hole or a jump, so it waits for a quiet frame (speech has them every few seconds).
      const quiet = peakOf(pcm) <= QUIET_PEAK;
      if (gap >= REAL_GAP_SAMPLES || (gap > pcm.length / 2 && quiet)) files.wav.writeSilence(gap);
      const ahead = -gap;
      // (Not by a frame placed by its arrival: a burst after a stall arrives at once, and is not ahead.)
      files.wav.append(ahead > pcm.length / 2 && quiet && !anchored ? pcm.subarray(Math.min(ahead, pcm.length)) : pcm);
    } catch (err) {
      this.fail(path, err);
    }
  }

  chat(entry: ChatEntry): void {
    this.append(this.chatFd, this.chatFile, Buffer.from(`${JSON.stringify(entry)}\n`));
  }

  /** Pads the WAVs of those still in the call to now, fixes headers, closes files. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const now = this.elapsedMs();
    for (const files of this.files.values()) {
      if (!files.away) this.padToNow(files, now);
      try {
        files.wav?.close();
      } catch (err) {
        this.fail(files.made['.wav']!, err);
      }
      for (const fd of [files.mjpeg, files.framesLog]) if (fd !== undefined) closeQuietly(fd);
    }
    for (const fd of [this.chatFd, this.indexFd]) if (fd !== undefined) closeQuietly(fd);
  }

  /** Silence up to the wall-clock time since `name` was first heard: their file's timeline reaches `now`. */
  private padToNow(files: ParticipantFiles, now: number): void {
    const path = files.made['.wav'];
    if (!files.wav || !files.audioOrigin || path === undefined || this.failed.has(path)) return;
    try {
      const due = Math.round(((now - files.audioOrigin.heardAt) * SAMPLE_RATE) / 1000);
      // At most to the format's limit: the next frame heard goes on in a new file (audioFrame).
      const pad = Math.min(due - files.wav.samplesWritten, files.wav.samplesLeft);
      if (pad > 0) files.wav.writeSilence(pad);
    } catch (err) {
      this.fail(path, err);
    }
  }

  /** Closes `files`' WAV; the next frame heard makes a new one (under the next free stem: the old name is taken). */
  private endWav(files: ParticipantFiles): void {
    files.wav?.close();
    files.wav = undefined;
    files.audioOrigin = undefined;
    files.lastCaptureTs = undefined;
    delete files.made['.wav'];
  }

  private stemFor(name: string): string {
    let stem = this.stems.get(name);
    if (stem === undefined) {
      const base = fileStemForName(name);
      stem = freshName(this.options.dir, (n) => (n === 1 ? base : `${base}-${n}`), PARTICIPANT_FILES, this.stemsTaken);
      this.stems.set(name, stem);
      this.stemsTaken.add(foldedFileName(stem));
    }
    return stem;
  }

  /**
   * `name` left (or the link dropped): their WAV is padded to now, and all their files are closed and opened again to
   * append if they come back — a recorder that runs for days in a room people come and go from must keep neither a
   * file open for each of them nor write hours of silence for them at the end.
   */
  participantLeft(name: string): void {
    const files = this.files.get(name);
    // After close() its descriptors are closed already (and their numbers maybe another file's by now).
    if (!files || this.closed) return;
    this.padToNow(files, this.elapsedMs());
    try {
      files.wav?.suspend();
    } catch (err) {
      this.fail(files.made['.wav']!, err);
    }
    files.away = true;
    for (const fd of [files.mjpeg, files.framesLog]) if (fd !== undefined) closeQuietly(fd);
    files.mjpeg = undefined;
    files.framesLog = undefined;
  }

  /**
   * A file of `name`'s was made: one line in the index, so only files that exist are listed. `firstTs`: the time its
   * timeline begins at (default now).
   */
  private indexed(name: string, file: string, firstTs = this.now()): void {
    if (this.indexedFiles.has(file)) return;
    this.indexedFiles.add(file);
    this.append(this.indexFd, this.indexFile, Buffer.from(`${JSON.stringify({ name, file, firstTs })}\n`));
  }

  private filesFor(name: string): ParticipantFiles {
    let files = this.files.get(name);
    if (!files) {
      files = { made: {} };
      this.files.set(name, files);
    }
    files.away = false;
    return files;
  }

  /**
   * Opens `name`'s file ending in `suffix` to append: the one made for them before (they left and came back), or a new
   * one, made exclusively (O_EXCL). The names were checked free (stemFor), but another recorder into the folder (a
   * second participant's `--record` there) may have made the same file since: then `name` moves on to the next free
   * stem, and this file (and later ones) go there (the index says whose they are). Undefined when it failed. `index`:
   * list it in the index now (a WAV is listed once its first frame says when it begins).
   */
  private openFile(name: string, files: ParticipantFiles, suffix: ParticipantFile, index = true): number | undefined {
    const made = files.made[suffix];
    if (made !== undefined) {
      const fd = this.open(made, 'a');
      return fd === 'taken' ? undefined : fd;
    }
    for (;;) {
      const file = `${this.stemFor(name)}${suffix}`;
      const fd = this.open(file, 'ax');
      if (fd === 'taken') {
        // Theirs now (stemsTaken keeps it from being chosen again): the next free stem.
        this.stems.delete(name);
        continue;
      }
      if (fd !== undefined) {
        files.made[suffix] = file;
        if (index) this.indexed(name, file);
      }
      return fd;
    }
  }

  private open(file: string, flags: 'a' | 'ax'): number | undefined | 'taken' {
    if (this.failed.has(file)) return undefined;
    try {
      return openSync(join(this.options.dir, file), flags);
    } catch (err) {
      if (flags === 'ax' && (err as NodeJS.ErrnoException).code === 'EEXIST') return 'taken';
      this.fail(file, err);
      return undefined;
    }
  }

  /** Appends all of `bytes` to `file` or nothing (a partial write is taken back); false when the file failed. */
  private append(fd: number | undefined, file: string, bytes: Uint8Array): boolean {
    if (fd === undefined || this.failed.has(file)) return false;
    try {
      appendWhole(fd, bytes);
      return true;
    } catch (err) {
      this.fail(file, err);
      return false;
    }
  }

  private fail(file: string, err: unknown): void {
    if (this.failed.has(file)) return;
    this.failed.add(file);
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === undefined ? (err as Error).message : fsErrorText(err);
    this.options.onError?.(`recording ${file} stopped: ${why}; the call goes on`);
  }
}

/**
 * Creates `chat` and `index` in `dir`, both new (O_EXCL); undefined when either is there already (taken: try the next
 * pair). Throws the recording's one sentence when they cannot be made.
 */
function createPair(dir: string, chat: string, index: string): { chat: string; index: string; chatFd: number; indexFd: number } | undefined {
  const fds: number[] = [];
  try {
    for (const file of [chat, index]) fds.push(openSync(join(dir, file), 'ax'));
    return { chat, index, chatFd: fds[0]!, indexFd: fds[1]! };
  } catch (err) {
    for (const fd of fds) closeQuietly(fd);
    // The chat file made just now is ours, and empty.
    if (fds.length > 0) rmSync(join(dir, chat), { force: true });
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw new Error(`cannot record into ${dir}: ${fsErrorText(err)}`, { cause: err });
  }
}

/** Appends all of `bytes` to an append-only file, or nothing: a partial write (a full disk) is cut off again. */
function appendWhole(fd: number, bytes: Uint8Array): void {
  const written = writeSync(fd, bytes);
  if (written === bytes.length) return;
  takeBack(fd, written);
  throw shortWriteError(written, bytes.length);
}

/** Cuts the last `bytes` bytes of an append-only file. */
function takeBack(fd: number, bytes: number): void {
  try {
    ftruncateSync(fd, Math.max(0, fstatSync(fd).size - bytes));
  } catch {
    // Nothing more can be done for this file; it is reported as failed anyway.
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Closing after a failed write can fail too; nothing more to save.
  }
}
