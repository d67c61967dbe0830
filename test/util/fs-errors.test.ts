import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsErrorText, makeDirectory } from '../../src/util/fs-errors.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-fs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('makeDirectory (mkdir -p with sentences)', () => {
  it('creates every missing folder and accepts one that exists', () => {
    const deep = join(dir, 'a', 'b', 'c');
    makeDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeDirectory(deep);
  });

  it('says when the path ends in, or passes through, a file', () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    expect(() => makeDirectory(file)).toThrow(`${file} is a file, not a folder`);
    expect(() => makeDirectory(join(file, 'sub'))).toThrow(`${file} is a file, not a folder`);
  });

  it('returns with an error under /proc, where Node\'s recursive mkdir never returns', () => {
    expect(() => makeDirectory('/proc/livecomm-nope/deeper')).toThrow(/^cannot create \/proc\/livecomm-nope: no such file or folder$/);
  });

  it('words the common error codes', () => {
    expect(fsErrorText(Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' }))).toBe('permission denied');
    expect(fsErrorText(Object.assign(new Error('x'), { code: 'EISDIR' }))).toBe('it is a folder, not a file');
    expect(fsErrorText(new Error('something else'))).toBe('something else');
  });
});
