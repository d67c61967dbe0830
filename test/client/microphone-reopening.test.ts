/**
 * OutgoingMedia while its microphone is lost and opened again (device-keeper.ts): a hand-driven source stands in for
 * the device (the real loss and return are in test/media/audio/device*.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { OutgoingMedia, type MediaLink } from '../../src/client/media-out.js';
import type { AudioSource, SourceInterruptions } from '../../src/media/audio/format.js';
import { AudioDeviceLostError } from '../../src/media/audio/errors.js';

function setup() {
  let interruptions: SourceInterruptions | undefined;
  let frame: (pcm: Int16Array, ts: number) => void = () => {};
  const mic: AudioSource = {
    description: 'test microphone',
    start: (onFrame, _e, i) => {
      frame = onFrame;
      interruptions = i;
    },
    stop: async () => {},
  };
  let sent = 0;
  const link: MediaLink = { joined: true, bufferedAmount: 0, sendMedia: () => void (sent += 1) };
  const media = new OutgoingMedia(link, undefined, mic, { onNotice: () => {} }, { transmit: 'continuous' });
  media.start('pcm');
  const loud = Int16Array.from({ length: 960 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
  return { media, interruptions: () => interruptions!, speak: (ts: number) => frame(loud, ts), sent: () => sent };
}

describe('a microphone being opened again', () => {
  it('muting while it is lost keeps it muted when it is back (the state said muted all along, so m used to unmute it)', () => {
    const { media, interruptions } = setup();
    interruptions().paused(new AudioDeviceLostError('the microphone sent no sound for 2 s'));
    expect(media.state).toMatchObject({ muted: true, noMicrophone: true });
    expect(media.audioSendState.reopening).toBe(true);
    media.setMuted(!media.chosen.muted); // the m key
    interruptions().resumed();
    expect(media.state.muted).toBe(true);
    expect(media.state.noMicrophone).toBeUndefined();
    expect(media.audioSendState.reopening).toBeUndefined();
  });

  it('sends nothing while the others are told it is not there: the second a device takes to count as back', () => {
    const { media, interruptions, speak, sent } = setup();
    speak(0);
    expect(sent()).toBe(1);
    interruptions().paused(new AudioDeviceLostError('the microphone sent no sound for 2 s'));
    for (let ts = 20; ts < 1000; ts += 20) speak(ts); // the device opened again, not yet counted as working
    expect(sent()).toBe(1);
    interruptions().resumed();
    speak(1000);
    expect(sent()).toBe(2);
  });

  it('unmuted before the loss, it is unmuted when it is back', () => {
    const { media, interruptions } = setup();
    interruptions().paused(new AudioDeviceLostError('the microphone sent no sound for 2 s'));
    interruptions().resumed();
    expect(media.state.muted).toBe(false);
  });
});
