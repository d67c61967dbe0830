import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ASK_DEVICE_ATTRIBUTES } from './terminal-query.js';
import { sortTerminalInput, splitMouseReports, type TerminalReport } from './terminal-reports.js';

/** How long an unfinished escape sequence waits for the rest before it goes on as typed (Alt-[ at the end of a read). */
const UNFINISHED_WAIT_MS = 50;
/** A terminal that answered before answers again within a round trip (a slow link's included); this bounds a dead one. */
const LAST_ANSWER_TIMEOUT_MS = 3000;
/** What can follow ESC in the reports terminal-reports.ts takes out (CSI, DCS). */
const SEQUENCE_AFTER_ESC = /^[[P]/;

/**
 * The terminal's input as blessed should see it: what the user typed, with the terminal's reports (key releases,
 * answers to questions) taken out and emitted as `report` events (terminal-reports.ts). Stands in for the tty stream
 * blessed is given: raw mode goes through to the tty.
 */
export class TerminalInput extends PassThrough {
  readonly isTTY = true;
  /** The terminal has answered a kitty keyboard protocol query. */
  private speaksKeyboardProtocol = false;
  /** The terminal has answered a status question (DSR 5, the video pacer's). */
  private answersStatus = false;
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private restTimer: NodeJS.Timeout | undefined;
  private readonly onData = (chunk: Buffer | string): void => {
    this.sort(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  };

  constructor(private readonly tty: NodeJS.ReadStream) {
    super();
    tty.on('data', this.onData);
  }

  get isRaw(): boolean {
    return this.tty.isRaw;
  }

  setRawMode(mode: boolean): this {
    this.tty.setRawMode(mode);
    return this;
  }

  override resume(): this {
    this.tty.resume();
    return super.resume();
  }

  /** Stops reading the tty (the screen is gone); the tty is left paused, as blessed leaves it. */
  detach(): void {
    clearTimeout(this.restTimer);
    this.tty.off('data', this.onData);
    this.tty.pause();
  }

  private sort(text: string): void {
    clearTimeout(this.restTimer);
    // An Esc held back goes on alone unless this read continues it into a sequence: Esc, then m, is not Alt-m.
    if (this.rest === '\x1b' && !SEQUENCE_AFTER_ESC.test(text)) {
      this.write(this.rest);
      this.rest = '';
    }
    const sorted = sortTerminalInput(this.rest + text);
    this.rest = sorted.rest;
    let from = 0;
    for (const cut of [...sorted.cuts, sorted.typed.length]) {
      for (const piece of splitMouseReports(sorted.typed.slice(from, cut))) this.write(piece);
      from = cut;
    }
    for (const report of sorted.reports) {
      if (report.kind === 'keyboard-flags') this.speaksKeyboardProtocol = true;
      if (report.kind === 'status') this.answersStatus = true;
      this.emit('report', report);
    }
    if (this.rest) {
      this.restTimer = setTimeout(() => {
        const rest = this.rest;
        this.rest = '';
        this.write(rest);
      }, UNFINISHED_WAIT_MS);
    }
  }

  /**
   * Before the terminal is given back: what it sent before it read everything written to `output` (answers to the
   * video's status questions, releases of keys such as the q that ended the call) is still on its way, and the shell
   * would get it as typing. Reads up to the answer to one more question, DA1 (every terminal answers it, and its
   * answer is told apart from the status answers still coming); only of a terminal that has answered before.
   */
  async readLastAnswers(output: NodeJS.WritableStream): Promise<void> {
    if (!this.answersStatus && !this.speaksKeyboardProtocol) return;
    output.write(ASK_DEVICE_ATTRIBUTES);
    await this.nextReport('answer', LAST_ANSWER_TIMEOUT_MS);
  }

  /** Resolves at the terminal's next report of `kind`, or after `timeoutMs`. */
  private nextReport(kind: TerminalReport['kind'], timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const stop = this.onReport((report) => {
        if (report.kind === kind) done();
      });
      function done(): void {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
  }

  /** Calls `listener` with each report; returns the function that stops it. */
  onReport(listener: (report: TerminalReport) => void): () => void {
    this.on('report', listener);
    return () => this.off('report', listener);
  }
}
