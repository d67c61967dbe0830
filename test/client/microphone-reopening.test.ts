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
  const mic: AudioSource = { description: 'test microphone', start: (_f, _e, i) => void (interruptions = i), stop: async () => {} };
  const link: MediaLink = { joined: true, bufferedAmount: 0, sendMedia: () => {} };
  const media = new OutgoingMedia(link, undefined, mic, { onNotice: () => {} });
  media.start('pcm');
  return { media, interruptions: () => interruptions! };
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

  it('unmuted before the loss, it is unmuted when it is back', () => {
    const { media, interruptions } = setup();
    interruptions().paused(new AudioDeviceLostError('the microphone sent no sound for 2 s'));
    interruptions().resumed();
    expect(media.state.muted).toBe(false);
  });
});
