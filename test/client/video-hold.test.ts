import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutgoingMedia, type MediaLink } from '../../src/client/media-out.js';
import { VideoHold } from '../../src/client/video-hold.js';
import type { AudioSource } from '../../src/media/audio/format.js';
import type { CapturedFrame, VideoSource } from '../../src/media/video/source.js';
import { FrameFlag, StreamKind } from '../../src/protocol/index.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function hold(): { hold: VideoHold; sent: number[] } {
  const sent: number[] = [];
  return { hold: new VideoHold((_payload, ts) => sent.push(ts), () => Date.now()), sent };
}

const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);

describe('VideoHold', () => {
  it('sends video at once while no audio flows (muted, no microphone)', () => {
    const { hold: h, sent } = hold();
    h.offer(jpeg, 1);
    expect(sent).toEqual([1]);
    h.audioSent();
    vi.advanceTimersByTime(61);
    h.offer(jpeg, 2);
    expect(sent).toEqual([1, 2]);
  });

  it('holds a frame while audio flows and sends it right after the next audio frame', () => {
    const { hold: h, sent } = hold();
    h.audioSent();
    vi.advanceTimersByTime(7);
    h.offer(jpeg, 1);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(13);
    h.audioSent();
    expect(sent).toEqual([1]);
  });

  it('never holds a frame longer than 25 ms when the audio stops', () => {
    const { hold: h, sent } = hold();
    h.audioSent();
    h.offer(jpeg, 1);
    vi.advanceTimersByTime(24);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([1]);
  });

  it('loses no frame: a newer frame sends the held one first', () => {
    const { hold: h, sent } = hold();
    h.audioSent();
    h.offer(jpeg, 1);
    h.offer(jpeg, 2);
    expect(sent).toEqual([1]);
    h.audioSent();
    expect(sent).toEqual([1, 2]);
  });

  it('drops the held frame when cleared (the call stops)', () => {
    const { hold: h, sent } = hold();
    h.audioSent();
    h.offer(jpeg, 1);
    h.clear();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([]);
  });
});

describe('OutgoingMedia sends video with the audio frame after it', () => {
  it('hands each video frame to the link right after an audio frame, in the same turn', () => {
    const sends: Array<{ kind: number; at: number; ts: number }> = [];
    const link: MediaLink = {
      joined: true,
      bufferedAmount: 0,
      sendMedia: (kind, _codec, _payload, ts) => sends.push({ kind, at: Date.now(), ts }),
    };
    let pushVideo: (frame: CapturedFrame) => void = () => {};
    let pushAudio: (pcm: Int16Array, ts: number) => void = () => {};
    // Stand-ins for the camera and microphone (none on these machines): they only hand frames over when told.
    const video: VideoSource = {
      description: 'test frames',
      start: (onFrame) => void (pushVideo = onFrame),
      stop: async () => {},
    };
    const audio: AudioSource = {
      description: 'test audio',
      start: (onFrame) => void (pushAudio = onFrame),
      stop: async () => {},
    };
    // Continuous transmission: the silent test frames are sent as audio (voice activity would skip them).
    const media = new OutgoingMedia(link, video, audio, { onNotice: () => {} }, { now: () => Date.now(), transmit: 'continuous' });
    media.start('pcm');
    const frame: CapturedFrame = { type: 'rgba', width: 16, height: 16, data: new Uint8Array(16 * 16 * 4), captureTs: 0 };
    // 20 ms audio frames and a video frame at 67 ms, between two audio frames.
    for (let t = 0; t <= 100; t += 20) {
      vi.setSystemTime(t);
      pushAudio(new Int16Array(960), t);
      if (t === 60) {
        vi.setSystemTime(67);
        pushVideo({ ...frame, captureTs: 67 });
      }
    }
    const video67 = sends.findIndex((s) => s.kind === StreamKind.VIDEO);
    expect(video67).toBeGreaterThan(0);
    expect(sends[video67]).toMatchObject({ ts: 67, at: 80 });
    expect(sends[video67 - 1]).toMatchObject({ kind: StreamKind.AUDIO, at: 80 });
  });
});

describe('OutgoingMedia and your speaking indicator', () => {
  it('hears what you send, and silence once you mute, so the indicator goes out', () => {
    const link: MediaLink = { joined: true, bufferedAmount: 0, sendMedia: () => {} };
    let pushAudio: (pcm: Int16Array, ts: number) => void = () => {};
    // A stand-in for the microphone (none on these machines).
    const audio: AudioSource = { description: 'test audio', start: (onFrame) => void (pushAudio = onFrame), stop: async () => {} };
    const heard: number[] = [];
    const loudest = (pcm: Int16Array): number => pcm.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const media = new OutgoingMedia(link, undefined, audio, { onNotice: () => {}, onOwnAudio: (pcm) => heard.push(loudest(pcm)) }, { now: () => Date.now() });
    media.start('pcm');
    const loud = new Int16Array(960).fill(8000);
    pushAudio(loud, 0);
    media.setMuted(true);
    pushAudio(loud, 20);
    pushAudio(loud, 40);
    expect(heard).toEqual([8000, 0, 0]);
  });
});

describe('OutgoingMedia while you are muted', () => {
  it('tells you that you are talking into a muted microphone, and sends none of it', () => {
    const sent: number[] = [];
    const link: MediaLink = { joined: true, bufferedAmount: 0, sendMedia: (kind) => sent.push(kind) };
    let pushAudio: (pcm: Int16Array, ts: number) => void = () => {};
    // A stand-in for the microphone (none on these machines).
    const audio: AudioSource = { description: 'test audio', start: (onFrame) => void (pushAudio = onFrame), stop: async () => {} };
    let reminders = 0;
    const media = new OutgoingMedia(link, undefined, audio, { onNotice: () => {}, onTalkingWhileMuted: () => reminders++ }, { now: () => Date.now() });
    media.start('pcm');
    media.setMuted(true);
    const voice = new Int16Array(960).map((_, i) => (i % 48 < 24 ? 6000 : -6000));
    for (let i = 0; i < 50; i++) pushAudio(voice, i * 20);
    expect(reminders).toBe(1);
    expect(sent).toEqual([]);
    media.setMuted(false);
    for (let i = 0; i < 50; i++) pushAudio(voice, 1_000 + i * 20);
    expect(reminders).toBe(1);
    expect(sent.length).toBe(50);
  });
});

describe('OutgoingMedia with voice activity transmission (the default)', () => {
  const loud = new Int16Array(960).map((_, i) => (i % 48 < 24 ? 6000 : -6000));
  const quiet = new Int16Array(960);

  function setup(transmit?: 'voice' | 'continuous') {
    const sends: Array<{ kind: number; at: number; flags: number }> = [];
    const link: MediaLink = { joined: true, bufferedAmount: 0, sendMedia: (kind, _c, _p, _ts, flags = 0) => sends.push({ kind, at: Date.now(), flags }) };
    let pushAudio: (pcm: Int16Array, ts: number) => void = () => {};
    let pushVideo: (frame: CapturedFrame) => void = () => {};
    // Stand-ins for the microphone and camera (none on these machines).
    const audio: AudioSource = { description: 'test audio', start: (onFrame) => void (pushAudio = onFrame), stop: async () => {} };
    const video: VideoSource = { description: 'test frames', start: (onFrame) => void (pushVideo = onFrame), stop: async () => {} };
    const media = new OutgoingMedia(link, video, audio, { onNotice: () => {} }, { now: () => Date.now(), transmit });
    media.start('pcm');
    let t = 0;
    const say = (pcm: Int16Array, frames: number): void => {
      for (let i = 0; i < frames; i++, t += 20) {
        vi.setSystemTime(t);
        pushAudio(pcm, t);
      }
    };
    return { sends, media, say, pushVideo: (ts: number) => pushVideo({ type: 'rgba', width: 16, height: 16, data: new Uint8Array(16 * 16 * 4), captureTs: ts }) };
  }

  it('sends a talk spurt and its 400 ms hangover, marks its last frame, and nothing of the silence after', () => {
    const { sends, media, say } = setup();
    say(quiet, 10);
    say(loud, 10);
    say(quiet, 50);
    const audio = sends.filter((s) => s.kind === StreamKind.AUDIO);
    expect(audio).toHaveLength(10 + 20);
    expect(audio.slice(0, -1).every((s) => s.flags === 0)).toBe(true);
    expect(audio.at(-1)!.flags & FrameFlag.SPURT_END).toBe(FrameFlag.SPURT_END);
    expect(media.audioFramesNotSent).toBe(10 + 30);
  });

  it('continuous transmission sends every frame, unmarked', () => {
    const { sends, say } = setup('continuous');
    say(quiet, 10);
    say(loud, 10);
    say(quiet, 50);
    expect(sends.filter((s) => s.kind === StreamKind.AUDIO && s.flags === 0)).toHaveLength(70);
  });

  it('while you are silent your video goes at once instead of waiting for audio that is not sent', () => {
    const { sends, say, pushVideo } = setup();
    say(quiet, 10);
    pushVideo(Date.now());
    expect(sends).toEqual([{ kind: StreamKind.VIDEO, at: Date.now(), flags: 0 }]);
  });

  it('a talk spurt cut by muting starts afresh on unmute', () => {
    const { sends, media, say } = setup();
    say(loud, 5);
    media.setMuted(true);
    say(loud, 30);
    media.setMuted(false);
    say(quiet, 5);
    // Nothing sent while muted, and after unmuting the gate was closed by the muted silence: quiet frames are not sent.
    expect(sends.filter((s) => s.kind === StreamKind.AUDIO)).toHaveLength(5);
    say(loud, 1);
    expect(sends.filter((s) => s.kind === StreamKind.AUDIO)).toHaveLength(6);
  });
});

describe('OutgoingMedia with push-to-talk (--transmit ptt)', () => {
  it('sends audio only while the talk key is held, ends the spurt when it is let go, and reminds a talker without it', () => {
    const sent: Array<{ ts: number; flags: number }> = [];
    const link: MediaLink = { joined: true, bufferedAmount: 0, sendMedia: (kind, _codec, _payload, ts, flags) => void (kind === StreamKind.AUDIO && sent.push({ ts, flags: flags ?? 0 })) };
    let pushAudio: (pcm: Int16Array, ts: number) => void = () => {};
    // A stand-in for the microphone (none on these machines): a loud tone, as if someone talked all along.
    const audio: AudioSource = { description: 'test audio', start: (onFrame) => void (pushAudio = onFrame), stop: async () => {} };
    let reminders = 0;
    const media = new OutgoingMedia(link, undefined, audio, { onNotice: () => {}, onTalkingWhileMuted: () => reminders++ }, { now: () => Date.now(), transmit: 'ptt' });
    media.start('pcm');
    const loud = Int16Array.from({ length: 960 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
    const frame = (t: number): void => {
      vi.setSystemTime(t);
      pushAudio(loud, t);
    };
    for (let t = 0; t < 600; t += 20) frame(t);
    expect(sent).toEqual([]);
    expect(reminders).toBe(1);
    media.setTalkKeyHeld(true);
    for (let t = 600; t < 700; t += 20) frame(t);
    expect(media.audioSendState).toMatchObject({ transmit: 'ptt', sending: true });
    media.setTalkKeyHeld(false);
    for (let t = 700; t < 800; t += 20) frame(t);
    expect(sent.map((s) => s.ts)).toEqual([600, 620, 640, 660, 680, 700]);
    expect(sent.at(-1)!.flags & FrameFlag.SPURT_END).toBe(FrameFlag.SPURT_END);
    expect(sent.slice(0, -1).every((s) => (s.flags & FrameFlag.SPURT_END) === 0)).toBe(true);
    expect(media.audioSendState.sending).toBe(false);
    // Talking on after letting go: no second reminder within 20 s of the first.
    for (let t = 800; t < 2000; t += 20) frame(t);
    expect(reminders).toBe(1);
  });
});
