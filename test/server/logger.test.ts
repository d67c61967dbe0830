import { describe, expect, it } from 'vitest';
import { createLogger, SILENT_LOGGER } from '../../src/server/logger.js';

const FIXED = new Date('2024-05-06T07:08:09.010Z');

function capture(format: 'text' | 'json') {
  const lines: string[] = [];
  const logger = createLogger(format, (line) => lines.push(line), () => FIXED);
  return { lines, logger };
}

describe('json logger', () => {
  it('writes one JSON object per line with time, level, event and fields', () => {
    const { lines, logger } = capture('json');
    logger.log('info', 'peer.joined', { id: 3, name: 'Ana', room: 'lobby', tls: true });
    logger.log('error', 'server.error');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.indexOf('\n')).toBe(line.length - 1);
    }
    expect(JSON.parse(lines[0]!)).toEqual({ time: '2024-05-06T07:08:09.010Z', level: 'info', event: 'peer.joined', id: 3, name: 'Ana', room: 'lobby', tls: true });
    expect(JSON.parse(lines[1]!)).toEqual({ time: '2024-05-06T07:08:09.010Z', level: 'error', event: 'server.error' });
  });

  it('keeps hostile strings on one line and parseable', () => {
    const { lines, logger } = capture('json');
    const name = 'a\nb\r\n"c"\\\u2028\x1b[31m';
    logger.log('warn', 'peer.refused', { name });
    expect(lines[0]!.split('\n')).toHaveLength(2);
    expect(JSON.parse(lines[0]!).name).toBe(name);
  });

  it('writes characters that reorder or hide text (bidi overrides, C1 controls, invisible ones) as \\u escapes', () => {
    const { lines, logger } = capture('json');
    const protocol = 'livecomm\u202e gnp.exe\u0085\u200b\u{e0001}';
    logger.log('warn', 'protocol-error', { detail: protocol });
    expect(lines[0]).toContain('livecomm\\u202e gnp.exe\\u0085\\u200b\\udb40\\udc01');
    expect(lines[0]).not.toMatch(/[\u0080-\u009f\u200b\u202e]/);
    expect(JSON.parse(lines[0]!).detail).toBe(protocol);
  });

  it('omits undefined fields', () => {
    const { lines, logger } = capture('json');
    logger.log('info', 'x', { a: undefined, b: 1 });
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('a');
    expect(JSON.parse(lines[0]!).b).toBe(1);
  });
});

describe('text logger', () => {
  it('writes time, padded upper-case level, event and key=value fields', () => {
    const { lines, logger } = capture('text');
    logger.log('info', 'peer.joined', { id: 3, name: 'Ana', tls: true, addr: '127.0.0.1:5000' });
    logger.log('warn', 'slow');
    logger.log('error', 'boom', { code: 'LC_ERR_FRAME_TOO_LARGE' });
    expect(lines).toEqual([
      '2024-05-06T07:08:09.010Z INFO  peer.joined id=3 name=Ana tls=true addr=127.0.0.1:5000\n',
      '2024-05-06T07:08:09.010Z WARN  slow\n',
      '2024-05-06T07:08:09.010Z ERROR boom code=LC_ERR_FRAME_TOO_LARGE\n',
    ]);
  });

  it('leaves plain tokens bare: words, dots, colons, slashes, @, + and -', () => {
    const { lines, logger } = capture('text');
    logger.log('info', 'e', { a: 'user@host', b: '/tmp/x.wav', c: '[::1]:7447', d: '-1.5e+3' });
    // Brackets are not in the bare set, so the IPv6 address is quoted.
    expect(lines[0]).toBe('2024-05-06T07:08:09.010Z INFO  e a=user@host b=/tmp/x.wav c="[::1]:7447" d=-1.5e+3\n');
  });

  it.each([
    ['a space', 'José María', '"José María"'],
    ['a quote', 'say "hi"', '"say \\"hi\\""'],
    ['a newline', 'a\nb', '"a\\nb"'],
    ['an escape sequence', '\x1b[31mred', '"\\u001b[31mred"'],
    ['a bidi override', 'livecomm\u202e gnp.exe', '"livecomm\\u202e gnp.exe"'],
    ['a C1 control and a zero-width space', 'a\u0085b\u200bc', '"a\\x85b\\u200bc"'],
    ['a key=value look-alike', 'x level=error', '"x level=error"'],
    ['the empty string', '', '""'],
  ])('quotes a value with %s', (_what, value, expected) => {
    const { lines, logger } = capture('text');
    logger.log('info', 'e', { v: value });
    expect(lines[0]).toBe(`2024-05-06T07:08:09.010Z INFO  e v=${expected}\n`);
    expect(lines[0]!.split('\n')).toHaveLength(2);
  });

  it('omits undefined fields', () => {
    const { lines, logger } = capture('text');
    logger.log('info', 'e', { a: undefined, b: 2 });
    expect(lines[0]).toBe('2024-05-06T07:08:09.010Z INFO  e b=2\n');
  });

  it('reads the clock for every line', () => {
    let t = 0;
    const lines: string[] = [];
    const logger = createLogger('text', (line) => lines.push(line), () => new Date(t));
    logger.log('info', 'a');
    t = 1000;
    logger.log('info', 'b');
    expect(lines).toEqual(['1970-01-01T00:00:00.000Z INFO  a\n', '1970-01-01T00:00:01.000Z INFO  b\n']);
  });
});

describe('SILENT_LOGGER', () => {
  it('accepts calls and returns nothing', () => {
    expect(SILENT_LOGGER.log('error', 'x', { a: 1 })).toBeUndefined();
  });
});
