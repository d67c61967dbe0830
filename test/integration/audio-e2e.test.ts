/**
 * Audio end to end through real processes: speech from a WAV file to another participant's recording, and the real
 * PortAudio device path (microphone and speaker) against PulseAudio null sinks — the virtual sound card these
 * machines have. Each test uses sinks of its own (PULSE_SINK / PULSE_SOURCE), so it does not disturb other tests.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, toMono48k } from '../../src/media/audio/wav.js';
import { WavFileWriter } from '../../src/media/audio/wav-writer.js';
import { useCliWorkspace } from '../helpers/cli-process.js';
import { readWav } from '../helpers/wav.js';
import { dbfs } from '../../src/media/audio/level.js';
import { blockToneFraction, correlationAt, fanNoise, secondsOfTone, toneRms } from '../media/audio/helpers.js';

const workspace = useCliWorkspace('lc-audio-');
const start = workspace.start;
const modules: string[] = [];

beforeAll(() => {
  execFileSync('bash', ['scripts/start-pulseaudio.sh'], { stdio: 'ignore', timeout: 30_000 });
});

afterAll(() => {
  workspace.killAll();
  for (const id of modules.reverse()) {
    try {
      execFileSync('pactl', ['unload-module', id]);
    } catch {
      // already gone with the daemon
    }
  }
});

/** A null sink of our own, kept running by a loopback (a null sink alone works in 2 s blocks: PEERS.md). */
function privateSink(name: string): string {
  modules.push(execFileSync('pactl', ['load-module', 'module-null-sink', `sink_name=${name}`, 'rate=48000']).toString().trim());
  modules.push(execFileSync('pactl', ['load-module', 'module-loopback', 'source=silence', `sink=${name}`, 'latency_msec=20']).toString().trim());
  return name;
}

async function serve(): Promise<number> {
  return (await workspace.serve()).port;
}

/** Averages blocks of 6 samples: 48 kHz → 8 kHz, enough to align speech cheaply. */
function decimate(x: Int16Array): Int16Array {
  const out = new Int16Array(Math.floor(x.length / 6));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let j = 0; j < 6; j++) sum += x[i * 6 + j]!;
    out[i] = sum / 6;
  }
  return out;
}

/** Best correlation of `piece` against any position of `looped` (played in a loop), both at 8 kHz. */
function bestLoopCorrelation(looped: Int16Array, piece: Int16Array): number {
  const doubled = new Int16Array(looped.length * 2);
  doubled.set(looped);
  doubled.set(looped, looped.length);
  let best = -1;
  for (let lag = 0; lag < looped.length; lag++) best = Math.max(best, correlationAt(piece, doubled, lag));
  return best;
}

describe('audio end to end', () => {
  it('carries speech from a WAV source into the other participant\'s recording, intact', async () => {
    const port = await serve();
    const rec = join(workspace.dir, 'rec-speech');
    const bob = start(['connect', `127.0.0.1:${port}`, '--headless', '--name', 'bob', '--video', 'none', '--audio', 'none', '--record', rec, '--duration', '6']);
    await bob.waitForEvent((e) => e.type === 'joined');
    const alice = start(['connect', `127.0.0.1:${port}`, '--headless', '--name', 'alice', '--video', 'none', '--audio', 'wav:fixtures/speech.wav', '--duration', '4.5']);
    expect(await alice.exited).toBe(0);
    expect(await bob.exited).toBe(0);

    const source = decimate(toMono48k(parseWav(await readFile('fixtures/speech.wav'))));
    const received = readWav(join(rec, 'alice.wav')).samples;
    expect(received.length / 48_000).toBeGreaterThan(3.5);
    // Two 1 s windows of what bob recorded, each found in the source speech. Opus at 24 kbit/s keeps the waveform
    // close (0.96 measured on the fixture, test/media/audio/codec.test.ts); 0.8 leaves room for decimation and
    // concealment, while noise, silence or a byte-order mistake score near 0.
    for (const start of [48_000, 2 * 48_000]) {
      const piece = decimate(received.subarray(start, start + 48_000));
      expect(bestLoopCorrelation(source, piece)).toBeGreaterThan(0.8);
    }
    // No audio lost on the way: every stats window reports no dropped frames from alice.
    const stats = bob.events().filter((e) => e.type === 'stats') as unknown as Array<{ streams: Array<{ name: string; audio: { framesDropped: number; frames: number } }> }>;
    const fromAlice = stats.flatMap((s) => s.streams.filter((x) => x.name === 'alice'));
    expect(fromAlice.reduce((n, s) => n + s.audio.frames, 0)).toBeGreaterThan(150);
    expect(fromAlice.reduce((n, s) => n + s.audio.framesDropped, 0)).toBe(0);
  });

  it('sends audio only while you talk: silence costs no frames, and the recording keeps the pauses in place', async () => {
    // 1 s of a 600 Hz tone, then 1.5 s of silence: talk, pause, talk again (the WAV source loops it).
    const wavPath = join(workspace.dir, 'talk-pause.wav');
    const writer = new WavFileWriter(wavPath);
    writer.append(new Int16Array(48_000).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 600 * i) / 48_000))));
    writer.append(new Int16Array(72_000));
    writer.close();
    const runCall = async (transmit: 'voice' | 'continuous') => {
      const port = await serve();
      const rec = join(workspace.dir, `rec-${transmit}`);
      const bob = start(['connect', `127.0.0.1:${port}`, '--headless', '--name', 'bob', '--video', 'none', '--audio', 'none', '--record', rec, '--duration', '6.5']);
      await bob.waitForEvent((e) => e.type === 'joined');
      const alice = start(['connect', `127.0.0.1:${port}`, '--headless', '--name', 'alice', '--video', 'none', '--audio', `wav:${wavPath}`, '--transmit', transmit, '--duration', '5']);
      expect(await alice.exited).toBe(0);
      expect(await bob.exited).toBe(0);
      const stats = bob.events().filter((e) => e.type === 'stats') as unknown as Array<{ streams: Array<{ name: string; audio: { framesDropped: number; frames: number } }> }>;
      const fromAlice = stats.flatMap((s) => s.streams.filter((x) => x.name === 'alice'));
      // Alice's own stats say how her audio goes out, and count what silence saved.
      const own = alice.events().filter((e) => e.type === 'stats').at(-1) as unknown as { audioSend: { transmit: string; framesNotSent: number } };
      expect(own.audioSend.transmit).toBe(transmit);
      return {
        notSent: own.audioSend.framesNotSent,
        frames: fromAlice.reduce((n, s) => n + s.audio.frames, 0),
        dropped: fromAlice.reduce((n, s) => n + s.audio.framesDropped, 0),
        samples: readWav(join(rec, 'alice.wav')).samples,
      };
    };
    const voice = await runCall('voice');
    const continuous = await runCall('continuous');
    console.log(`audio frames counted in bob's stats windows: voice ${voice.frames}, continuous ${continuous.frames}`);
    // About 4 s counted (the stats windows after the join) of a 2.5 s loop whose 1.1 s of silence after the 400 ms
    // hangover is not sent: any 4 s holds one such stretch, 55 frames, and measured 127 against 184.
    expect(continuous.frames).toBeGreaterThan(150);
    expect(voice.frames).toBeGreaterThan(60);
    expect(voice.frames).toBeLessThan(continuous.frames - 40);
    expect(voice.notSent).toBeGreaterThan(50);
    expect(continuous.notSent).toBe(0);
    // Not one frame counted as lost: the pauses are meant (seq counts frames sent).
    expect(voice.dropped).toBe(0);
    // The recording keeps wall-clock time: the second spurt starts 2.5 s after the first, as it was said.
    const blocks = Math.floor(voice.samples.length / 960);
    const loud = Array.from({ length: blocks }, (_, b) => {
      let sum = 0;
      for (let i = b * 960; i < (b + 1) * 960; i++) sum += voice.samples[i]! * voice.samples[i]!;
      return Math.sqrt(sum / 960) > 1000;
    });
    // A spurt starts after at least 200 ms of quiet: a 20 ms hole from a stall longer than the source catches up
    // (util/pacer) is not a pause.
    const quietBefore = (b: number): boolean => loud.slice(Math.max(0, b - 10), b).every((on) => !on);
    const starts = loud.flatMap((on, b) => (on && quietBefore(b) ? [b] : []));
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect((starts[1]! - starts[0]!) * 20).toBeGreaterThan(2300);
    expect((starts[1]! - starts[0]!) * 20).toBeLessThan(2700);
  });

  it('captures a real microphone (PortAudio → PulseAudio) and plays on a real speaker', async () => {
    const micSink = privateSink(`lc_mic_${process.pid}`);
    const speakerSink = privateSink(`lc_spk_${process.pid}`);
    // A 2 s 1 kHz tone to play "into the room" that alice's microphone hears.
    const tonePath = join(workspace.dir, 'tone1k.wav');
    const writer = new WavFileWriter(tonePath);
    const tone = new Int16Array(96_000).map((_, i) => Math.round(12_000 * Math.sin((2 * Math.PI * 1000 * i) / 48_000)));
    writer.append(tone);
    writer.close();

    const port = await serve();
    const rec = join(workspace.dir, 'rec-mic');
    // bob records and plays what he hears on his own speaker sink; alice's microphone listens to the mic sink.
    const bob = start(
      ['connect', `127.0.0.1:${port}`, '--headless', '--name', 'bob', '--video', 'none', '--audio', 'none', '--speaker', 'default', '--record', rec, '--duration', '7'],
      { PULSE_SINK: speakerSink },
    );
    await bob.waitForEvent((e) => e.type === 'joined');
    const alice = start(
      ['connect', `127.0.0.1:${port}`, '--headless', '--name', 'alice', '--video', 'none', '--audio', 'mic', '--speaker', 'none', '--duration', '6'],
      { PULSE_SOURCE: `${micSink}.monitor` },
    );
    await alice.waitForEvent((e) => e.type === 'joined', 15_000);
    expect(alice.events().some((e) => e.type === 'notice')).toBe(false); // no fallback: the microphone opened
    await bob.waitForEvent((e) => e.type === 'participant-joined');
    // Record bob's speaker while the tone plays into alice's room.
    const recorded = join(workspace.dir, 'speaker.wav');
    const parecord = spawn('parecord', [`--device=${speakerSink}.monitor`, '--rate=48000', '--channels=1', '--format=s16le', '--file-format=wav', recorded]);
    await new Promise((r) => setTimeout(r, 300)); // parecord needs a moment to attach before the tone starts
    execFileSync('paplay', [`--device=${micSink}`, tonePath]);
    await new Promise((r) => setTimeout(r, 500)); // the tail of the tone through jitter buffer and speaker latency
    parecord.kill('SIGINT');
    await new Promise((r) => parecord.once('exit', r));
    expect(await alice.exited).toBe(0);
    expect(await bob.exited).toBe(0);

    // Bob's recording of alice holds the tone her microphone heard, and his speaker played it. "Holds the tone": in
    // 20 ms blocks, 1 kHz carries most of the energy and at least 10× what a neighbouring frequency does, for most of
    // the 2 s played. Measured: 0.92–0.99 and 1.5–1.9 s, the low ends with three busy loops on two cores (speaker
    // underruns); silence, noise or the wrong signal score near 0. (One Goertzel over the whole file would be phase-fragile: a single re-timed frame cancels
    // half the tone.)
    const holdsTone = (samples: Int16Array): void => {
      const at1k = blockToneFraction(samples, 1000);
      expect(at1k).toBeGreaterThan(0.5);
      expect(at1k).toBeGreaterThan(10 * Math.max(blockToneFraction(samples, 700), blockToneFraction(samples, 1400)));
      expect(secondsOfTone(samples, 1000)).toBeGreaterThan(1.2);
    };
    holdsTone(readWav(join(rec, 'alice.wav')).samples);
    const played = readWav(recorded).samples;
    expect(played.length).toBeGreaterThan(48_000);
    holdsTone(played);
  });

  it('suppresses the echo of a speaker into its own microphone (cancellation off), and sends it back when off', async () => {
    // Alice's speaker plays into a sink whose monitor is her microphone, 13 dB down: a laptop's speaker and mic.
    const room = privateSink(`lc_echo_${process.pid}`);
    execFileSync('pactl', ['set-source-volume', `${room}.monitor`, '60%']);
    const echoLevel = async (suppression: 'on' | 'off'): Promise<number> => {
      const port = await serve();
      const rec = join(workspace.dir, `rec-echo-${suppression}`);
      // Bob talks (a 1 kHz tone) and records what comes back from alice.
      const bob = start(['connect', `127.0.0.1:${port}`, '--headless', '--name', 'bob', '--video', 'none', '--audio', 'tone:1000', '--record', rec, '--duration', '6']);
      await bob.waitForEvent((e) => e.type === 'joined');
      const alice = start(
        // Continuous transmission: what the suppressor leaves is measured, not gated away (voice activity would not
        // send an echo turned down below its threshold at all).
        ['connect', `127.0.0.1:${port}`, '--headless', '--name', 'alice', '--video', 'none', '--audio', 'mic', '--speaker', 'default', '--echo-cancellation', 'off', '--echo-suppression', suppression, '--transmit', 'continuous', '--duration', '5'],
        { PULSE_SINK: room, PULSE_SOURCE: `${room}.monitor` },
      );
      expect(await alice.exited).toBe(0);
      expect(await bob.exited).toBe(0);
      const back = readWav(join(rec, 'alice.wav')).samples;
      // From 1.5 s on: the loop is running (devices open, jitter buffers filled).
      const steady = back.subarray(72_000);
      expect(steady.length).toBeGreaterThan(48_000);
      let sum = 0;
      for (const v of steady) sum += v * v;
      return Math.sqrt(sum / steady.length);
    };
    const off = await echoLevel('off');
    const on = await echoLevel('on');
    console.log(`echo: off ${off.toFixed(0)} on ${on.toFixed(0)} = ${(20 * Math.log10(on / off)).toFixed(1)} dB`);
    // Off: bob hears himself back, clearly (the tone at ~-13 dB of what alice's speaker played). On: 30 dB less is
    // the suppressor's setting; at least 20 dB less leaves room for the frames around the start of each word.
    expect(off).toBeGreaterThan(500);
    expect(20 * Math.log10(on / off)).toBeLessThan(-20);
  });

  // Real time on a shared VM: the echo left alone measures −14 to 46 dB against a 32 dB limit, past it in about one
  // run in ten (before the onset round's changes too); one more try, in a room of its own.
  let duplexTries = 0;
  it('cancels the echo and lets you talk over the others (full duplex), where suppression alone cuts you off', { retry: 1 }, async () => {
    // As above: alice's speaker plays into the room her microphone hears, 13 dB down. Bob talks all the time (a
    // 1010 Hz tone); 8 s after a player connected to the room, while he still talks, alice says something quieter
    // than his echo (410 Hz). The player connects before alice does: PulseAudio changes the room's latency when a
    // player connects, for seconds after, and those jumps of the echo path are not what is measured here (they are in
    // test/media/audio/echo-control.test.ts). Neither tone repeats itself every 20 ms frame, as no voice does (a far
    // end that did would let the filter predict such a "voice" from its own leakage). Noise suppression is off:
    // RNNoise takes steady tones for noise, and the echo control is what is measured.
    const room = privateSink(`lc_duplex_${process.pid}_${++duplexTries}`);
    execFileSync('pactl', ['set-source-volume', `${room}.monitor`, '60%']);
    const voicePath = join(workspace.dir, 'near-voice.wav');
    const writer = new WavFileWriter(voicePath);
    writer.append(new Int16Array(8 * 48_000));
    writer.append(Int16Array.from({ length: 2 * 48_000 }, (_, i) => Math.round(3277 * Math.sin((2 * Math.PI * 410 * i) / 48_000))));
    writer.append(new Int16Array(48_000));
    writer.close();
    type Echo = { echoLeftDb: number; pathChanges: number; pathShifts: number } | undefined;
    const call = async (cancellation: 'on' | 'off'): Promise<{ echoAlone: number; voice: number; echoUnderVoice: number; stats: Echo }> => {
      const port = await serve();
      // A folder of its own per attempt: the retry's recording would otherwise go to alice-2.wav beside the first's.
      const rec = mkdtempSync(join(workspace.dir, `rec-duplex-${cancellation}-`));
      const bob = start(['connect', `127.0.0.1:${port}`, '--headless', '--name', 'bob', '--video', 'none', '--audio', 'tone:1010', '--record', rec, '--duration', '13']);
      await bob.waitForEvent((e) => e.type === 'joined');
      const player = spawn('paplay', [`--device=${room}`, voicePath], { stdio: 'ignore' });
      const played = new Promise((resolve) => player.on('exit', resolve));
      const alice = start(
        ['connect', `127.0.0.1:${port}`, '--headless', '--name', 'alice', '--video', 'none', '--audio', 'mic', '--speaker', 'default', '--echo-cancellation', cancellation, '--noise-suppression', 'off', '--transmit', 'continuous', '--duration', '11'],
        { PULSE_SINK: room, PULSE_SOURCE: `${room}.monitor` },
      );
      await alice.waitForEvent((e) => e.type === 'joined', 15_000);
      expect(await alice.exited).toBe(0);
      await played;
      expect(await bob.exited).toBe(0);
      const back = readWav(join(rec, 'alice.wav')).samples;
      // Where alice talked: the loudest second of 410 Hz. The echo alone: the two seconds before it.
      let voiceAt = 0;
      let voice = 0;
      for (let at = 0; at + 48_000 <= back.length; at += 4_800) {
        const level = toneRms(back.subarray(at, at + 48_000), 410);
        if (level > voice) [voice, voiceAt] = [level, at];
      }
      const under = back.subarray(voiceAt, voiceAt + 48_000);
      const before = back.subarray(Math.max(0, voiceAt - 2.5 * 48_000), voiceAt - 0.5 * 48_000);
      // Alice's own account of her echo canceller, in her stats every 2 s: the best it got to.
      const reports = alice.events().flatMap((e) => {
        const echo = (e as { audioSend?: { echoCancellation?: Echo } }).audioSend?.echoCancellation;
        return e.type === 'stats' && echo ? [echo] : [];
      });
      const stats = reports.sort((a, b) => a!.echoLeftDb - b!.echoLeftDb)[0];
      return { echoAlone: toneRms(before, 1010), voice, echoUnderVoice: toneRms(under, 1010), stats };
    };
    const cancelled = await call('on');
    const suppressed = await call('off');
    const db = (x: number) => (20 * Math.log10(Math.max(x, 1e-3))).toFixed(1);
    for (const [name, r] of [['cancellation', cancelled], ['suppression only', suppressed]] as const) {
      console.log(`${name}: echo alone ${db(r.echoAlone)} dB, alice's voice ${db(r.voice)} dB, echo under it ${db(r.echoUnderVoice)} dB; stats ${JSON.stringify(r.stats)}`);
    }
    // Her stats say how far down the echo is (the canceller's own estimate: 13 dB of room, then what it took out).
    expect(cancelled.stats?.echoLeftDb).toBeLessThan(-30);
    expect(suppressed.stats).toBeUndefined();
    // Alice's voice reaches her microphone at ~500 RMS (3277 peak, 13 dB down); bob's echo at ~1250 RMS.
    // Cancelled: her voice arrives whole while bob is talking, and his echo under it is at least 20 dB below his echo.
    expect(cancelled.voice).toBeGreaterThan(350);
    expect(cancelled.echoUnderVoice).toBeLessThan(125);
    expect(cancelled.echoAlone).toBeLessThan(40);
    // Suppression alone: her voice is quieter than half his echo's peak (the Geigel test), so she is cut off.
    expect(suppressed.voice).toBeLessThan(cancelled.voice / 5);
  });

  it('takes the fan in the room out of a real microphone, and sends it as it is with --noise-suppression off', async () => {
    const room = privateSink(`lc_fan_${process.pid}`);
    // 3 s of low-passed noise, a fan at about −34 dBFS, played into the room alice's microphone hears.
    const fanPath = join(workspace.dir, 'fan.wav');
    const writer = new WavFileWriter(fanPath);
    writer.append(fanNoise(3 * 48_000, 5));
    writer.close();
    /**
     * How loud the fan is in what bob recorded from alice, in dBFS: the tenth loudest half second (windows 0.1 s
     * apart), so the fan's level for a second or more of its three, not its first moment — the loudest window held
     * RNNoise's first frames of a noise it had not learnt yet, which a loaded machine made 13 dB louder.
     */
    const loudestFan = async (suppression: 'on' | 'off'): Promise<number> => {
      const port = await serve();
      const rec = join(workspace.dir, `rec-fan-${suppression}`);
      const bob = start(['connect', `127.0.0.1:${port}`, '--headless', '--name', 'bob', '--video', 'none', '--audio', 'none', '--record', rec, '--duration', '7']);
      await bob.waitForEvent((e) => e.type === 'joined');
      const alice = start(
        // Continuous transmission: the noise that is left is measured, not gated away.
        ['connect', `127.0.0.1:${port}`, '--headless', '--name', 'alice', '--video', 'none', '--audio', 'mic', '--speaker', 'none', '--noise-suppression', suppression, '--transmit', 'continuous', '--duration', '6'],
        { PULSE_SOURCE: `${room}.monitor` },
      );
      await alice.waitForEvent((e) => e.type === 'joined', 15_000);
      await bob.waitForEvent((e) => e.type === 'participant-joined');
      execFileSync('paplay', [`--device=${room}`, fanPath]);
      expect(await alice.exited).toBe(0);
      expect(await bob.exited).toBe(0);
      const heard = readWav(join(rec, 'alice.wav')).samples;
      const levels: number[] = [];
      for (let at = 0; at + 24_000 <= heard.length; at += 4_800) levels.push(dbfs(heard.subarray(at, at + 24_000)));
      console.log(`fan ${suppression}: loudest windows ${levels.sort((a, b) => b - a).slice(0, 14).map((l) => l.toFixed(0)).join(' ')}`);
      return levels[9] ?? -100;
    };
    const off = await loudestFan('off');
    const on = await loudestFan('on');
    console.log(`fan: off ${off.toFixed(1)} dBFS, on ${on.toFixed(1)} dBFS`);
    // Off: the fan arrives at about the level it was played. On: RNNoise takes 40+ dB out of this noise (unit test;
    // 38–46 dB here); 20 dB leaves room for a loaded machine.
    expect(off).toBeGreaterThan(-45);
    expect(off - on).toBeGreaterThan(20);
  });
});
