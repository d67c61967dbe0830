import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/client/call.js';
import { runHeadless } from '../../src/cli/headless.js';
import { StdinLines } from '../../src/cli/stdin-lines.js';

/** The lines Node's readline (crlfDelay Infinity, as headless used it) makes of these chunks. */
async function readlineLines(chunks: string[]): Promise<string[]> {
  const input = new PassThrough();
  const lines: string[] = [];
  const rl = createInterface({ input, crlfDelay: Infinity });
  rl.on('line', (line) => lines.push(line));
  const closed = new Promise((resolve) => rl.once('close', resolve));
  for (const chunk of chunks) input.write(chunk);
  input.end();
  await closed;
  return lines;
}

function ours(chunks: string[], max?: number): string[] {
  const lines = new StdinLines(max);
  return [...chunks.flatMap((chunk) => lines.push(chunk)), ...lines.end()];
}

describe('StdinLines', () => {
  it('splits as readline does, however the input is cut into chunks', async () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const atoms = ['a', 'b c', '\n', '\r', '\r\n', '\n\r', '', ' ', '👍', '\x00'];
    for (let run = 0; run < 200; run++) {
      const chunks = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
        Array.from({ length: Math.floor(random() * 6) }, () => atoms[Math.floor(random() * atoms.length)]!).join(''),
      );
      expect(ours(chunks), JSON.stringify(chunks)).toEqual(await readlineLines(chunks));
    }
  });

  it('gives a line that never ends in pieces of at most the bound, cut after a blank, none lost', () => {
    const lines = new StdinLines(10);
    // A blank in the second half: cut after it. None there: cut at the bound.
    expect(lines.push('abc def ghij klmnopqrstuvwxyz')).toEqual(['abc def ', 'ghij klmno', 'pqrstuvwxy']);
    // Never between the halves of a surrogate pair.
    expect(lines.push('👍👍👍👍👍\n')).toEqual(['z👍👍👍👍', '👍']);
    expect(lines.push('tail')).toEqual([]);
    expect(lines.end()).toEqual(['tail']);
  });
});

describe('runHeadless stdin', () => {
  it('sends a line with no end as it comes, instead of holding it all (</dev/zero crashed the call)', async () => {
    const sent: string[] = [];
    const fakeCall = { on: () => {}, start: () => {}, leave: async () => {}, chatWaiting: 0, sendChat: (text: string) => sent.push(text), serverWallMs: () => 0 };
    const stdin = new PassThrough();
    void runHeadless({ call: fakeCall as unknown as Call, stdin, stdout: new PassThrough(), stderr: new PassThrough() });
    // 3 MB of NULs and letters, no line break: readline kept every byte in one growing line until a newline came.
    stdin.write(`${'\x00x'.repeat(1_500_000)}`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]).toBe('x'.repeat(2000));
    stdin.destroy();
  });
});
