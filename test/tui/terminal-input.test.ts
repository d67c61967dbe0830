import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TerminalInput } from '../../src/tui/terminal-input.js';
import type { TerminalReport } from '../../src/tui/terminal-reports.js';

/** Stands in for the tty (a PassThrough with raw mode): what matters here is how reads are split, not the device. */
function fakeTty(): NodeJS.ReadStream & { rawSet: boolean[] } {
  const tty = new PassThrough() as unknown as NodeJS.ReadStream & { rawSet: boolean[] };
  tty.rawSet = [];
  tty.setRawMode = (mode: boolean) => {
    tty.rawSet.push(mode);
    (tty as { isRaw: boolean }).isRaw = mode;
    return tty;
  };
  return tty;
}

async function readsOf(chunks: string[], waitMs = 0): Promise<{ reads: string[]; reports: TerminalReport[] }> {
  const tty = fakeTty();
  const input = new TerminalInput(tty);
  const reads: string[] = [];
  const reports: TerminalReport[] = [];
  input.on('data', (data: Buffer) => reads.push(data.toString()));
  input.onReport((report) => reports.push(report));
  for (const chunk of chunks) {
    tty.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  input.detach();
  return { reads, reports };
}

describe('TerminalInput: the tty as blessed should read it', () => {
  it('keeps reads apart as the terminal split them: Esc then m is two keys, not Alt-m', async () => {
    expect((await readsOf(['\x1b', 'm'])).reads).toEqual(['\x1b', 'm']);
  });
  it("keeps kitty's Esc key apart from the key after it in the same read: Esc then m, not Alt-m", async () => {
    expect((await readsOf(['\x1b[27u\x1b[109;;109u'])).reads).toEqual(['\x1b', 'm']);
    expect((await readsOf(['\x1b[109;3;109u'])).reads).toEqual(['\x1bm']);
  });
  it('joins a sequence a read split after its ESC, and sends a lone Esc at the end on by itself soon after', async () => {
    expect((await readsOf(['\x1b', '[A'])).reads).toEqual(['\x1b[A']);
    expect((await readsOf(['q\x1b'], 80)).reads).toEqual(['q', '\x1b']);
  });
  it('hands blessed each mouse report in a read of its own, however many came in one', async () => {
    const { reads } = await readsOf(['\x1b[MC]($\x1b[M ](\x1b[M#]('], 0);
    expect(reads).toEqual(['\x1b[MC](', '$', '\x1b[M ](', '\x1b[M#](']);
  });
  it('takes the reports out of the stream and emits them', async () => {
    const { reads, reports } = await readsOf(['\x1b[?26u\x1b[32;;32u', '\x1b[32;1:3u', 'x']);
    expect(reads.join('')).toBe(' x');
    expect(reports).toEqual([{ kind: 'keyboard-flags', flags: 26 }, { kind: 'key-release', code: 32 }]);
  });
  it('passes raw mode through to the tty, and reads nothing more once detached', async () => {
    const tty = fakeTty();
    const input = new TerminalInput(tty);
    input.setRawMode(true);
    expect(input.isRaw).toBe(true);
    input.setRawMode(false);
    expect(tty.rawSet).toEqual([true, false]);
    const reads: string[] = [];
    input.on('data', (data: Buffer) => reads.push(data.toString()));
    input.detach();
    tty.write('late');
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toEqual([]);
  });
});
