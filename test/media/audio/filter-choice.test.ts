import { describe, expect, it } from 'vitest';
import { FilterChooser } from '../../../src/media/audio/filter-choice.js';

describe('FilterChooser (Speex: which of the echo canceller’s two filters makes the output)', () => {
  it('takes the background when it cancels clearly better, resets it when clearly worse, else keeps both', () => {
    // Errors of 1e6 against 1e6 ± a little, the estimates 1e3 apart: within the noise of the comparison.
    const chooser = new FilterChooser();
    for (let k = 0; k < 20; k++) expect(chooser.choose(1e6, 1e6 + (k % 2 ? 500 : -500), 1e3)).toBe('keep');
    // The background leaves a tenth: take it at once.
    expect(chooser.choose(1e6, 1e5, 1e3)).toBe('take-background');
    // The background leaves ten times as much: back to the foreground's weights.
    expect(new FilterChooser().choose(1e6, 1e7, 1e3)).toBe('reset-background');
  });

  it('takes a background that is a little better frame after frame (the averages), not after one frame', () => {
    const chooser = new FilterChooser();
    const choices = Array.from({ length: 10 }, () => chooser.choose(1e6, 0.97e6, 3990));
    expect(choices[0]).toBe('keep');
    expect(choices).toContain('take-background');
  });
});
