import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePassword } from '../../src/cli/common.js';

describe('where the password comes from (--password-file, LIVECOMM_PASSWORD)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livecomm-password-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("takes a file's first line, without Windows line ends or Notepad's byte-order mark", async () => {
    const file = join(dir, 'pw');
    await writeFile(file, '\uFEFFsecret words\r\nsecond line\r\n');
    expect(resolvePassword(file, {})).toBe('secret words');
  });

  it('refuses a LIVECOMM_PASSWORD that is set but empty, rather than starting an open server', () => {
    expect(() => resolvePassword(undefined, { LIVECOMM_PASSWORD: '' })).toThrow(/LIVECOMM_PASSWORD is set but empty/);
    expect(resolvePassword(undefined, { LIVECOMM_PASSWORD: 'x' })).toBe('x');
    expect(resolvePassword(undefined, {})).toBeUndefined();
  });
});
