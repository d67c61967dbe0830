import { describe, expect, it } from 'vitest';
import { helloMessage, offeredFeatures } from '../../src/client/hello.js';

const target = { host: '127.0.0.1', port: 7447 };

describe('HELLO', () => {
  it('offers every optional feature unless one is turned off', () => {
    expect(offeredFeatures()).toEqual(['ack', 'congestion', 'receive']);
    expect(offeredFeatures({ congestion: false })).toEqual(['ack', 'receive']);
  });

  it('carries a resume token only when there is one, and the state as it is when the HELLO is built', () => {
    let muted = false;
    const options = { target, name: 'ann', room: 'main', initialState: () => ({ muted, cameraOff: true }) };
    muted = true;
    const hello = helloMessage(options);
    expect(hello).not.toHaveProperty('resumeToken');
    expect(hello).toMatchObject({ name: 'ann', room: 'main', state: { muted: true, cameraOff: true }, caps: { audio: ['pcm'] } });
    expect(helloMessage({ ...options, resumeToken: 'tok', features: { ack: false } })).toMatchObject({
      resumeToken: 'tok',
      caps: { feedback: ['congestion', 'receive'] },
    });
  });
});
