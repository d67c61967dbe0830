import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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

  it('says where a link to what is not there points (a mount point not mounted), and names a loop of links', () => {
    const link = join(dir, 'rec');
    symlinkSync(join(dir, 'usb-stick', 'rec'), link);
    expect(() => makeDirectory(link)).toThrow(`${link} is a link to ${join(dir, 'usb-stick', 'rec')}, which is not there`);
    expect(() => makeDirectory(join(link, 'call-1'))).toThrow(`${link} is a link to ${join(dir, 'usb-stick', 'rec')}, which is not there`);
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    expect(() => makeDirectory(join(dir, 'loop-a'))).toThrow(`cannot use ${join(dir, 'loop-a')}: its symbolic links point round in a loop`);
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
