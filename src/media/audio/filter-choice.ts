/**
 * Which of the echo canceller's two filters should make the output (pure): Speex's rule for its foreground and
 * background filters. The background adapts on every frame and may wander; the foreground takes the background's
 * weights only when the background cancels better by more than the noise of the comparison — now, or on average
 * over ~3 and ~7 frames — and the background is reset to the foreground when it is that much worse.
 */
export type FilterChoice = 'take-background' | 'reset-background' | 'keep';

export class FilterChooser {
  // Smoothed differences of the two filters' errors and their variances, over ~3 and ~7 frames.
  private davg1 = 0;
  private dvar1 = 0;
  private davg2 = 0;
  private dvar2 = 0;

  /**
   * One frame's errors (energies of microphone − estimate) of the foreground and the background, and the energy of
   * the difference of their estimates.
   */
  choose(foregroundError: number, backgroundError: number, difference: number): FilterChoice {
    const gain = foregroundError - backgroundError;
    const spread = foregroundError * (difference + 10);
    this.davg1 = 0.6 * this.davg1 + 0.4 * gain;
    this.dvar1 = 0.36 * this.dvar1 + 0.16 * spread;
    this.davg2 = 0.85 * this.davg2 + 0.15 * gain;
    this.dvar2 = 0.7225 * this.dvar2 + 0.0225 * spread;
    const better =
      gain * Math.abs(gain) > spread || this.davg1 * Math.abs(this.davg1) > 0.5 * this.dvar1 || this.davg2 * Math.abs(this.davg2) > 0.25 * this.dvar2;
    const worse =
      -gain * Math.abs(gain) > 4 * spread || -this.davg1 * Math.abs(this.davg1) > 4 * this.dvar1 || -this.davg2 * Math.abs(this.davg2) > 4 * this.dvar2;
    if (!better && !worse) return 'keep';
    this.reset();
    return better ? 'take-background' : 'reset-background';
  }

  /** Forgets the averages: the filters were just made equal. */
  reset(): void {
    this.davg1 = this.dvar1 = this.davg2 = this.dvar2 = 0;
  }
}
