import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePassword } from '../../src/cli/common.js';
import { runCli } from '../helpers/cli-process.js';

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
    expect(await resolvePassword(file, {})).toBe('secret words');
  });

  it('refuses a LIVECOMM_PASSWORD that is set but empty, rather than starting an open server', async () => {
    await expect(resolvePassword(undefined, { LIVECOMM_PASSWORD: '' })).rejects.toThrow(/LIVECOMM_PASSWORD is set but empty/);
    expect(await resolvePassword(undefined, { LIVECOMM_PASSWORD: 'x' })).toBe('x');
    expect(await resolvePassword(undefined, {})).toBeUndefined();
  });

  describe('a named pipe (--password-file <(pass show room))', () => {
    /** A FIFO in the test's folder. */
    const fifo = (name: string): string => {
      const path = join(dir, name);
      execFileSync('mkfifo', [path]);
      return path;
    };
    /** `sh -c script`, killed once `body` is done. */
    async function withWriter<T>(script: string, body: () => Promise<T>): Promise<T> {
      const writer = spawn('sh', ['-c', script], { stdio: 'ignore' });
      try {
        return await body();
      } finally {
        writer.kill();
      }
    }

    it('is read to its first line, not to its end: a writer may keep it open', async () => {
      const path = fifo('open-after');
      // Before: the whole pipe was read, to an end that never came.
      const password = await withWriter(`exec 3>'${path}'; printf 'sesame\\nmore' >&3; exec sleep 30`, () => resolvePassword(path, {}, { lineWithinMs: 3000 }));
      expect(password).toBe('sesame');
    });

    it('that nothing opens is given up on, in one sentence', async () => {
      const path = fifo('nobody');
      await expect(resolvePassword(path, {}, { openWithinMs: 300 })).rejects.toMatchObject({
        exitCode: 2,
        message: `cannot read the password file ${path}: it did not open within 0.3 s (a named pipe with nothing writing into it?)`,
      });
    });

    it('whose writer sends nothing is given up on, in one sentence', async () => {
      const path = fifo('silent');
      await withWriter(`exec 3>'${path}'; exec sleep 30`, async () => {
        await expect(resolvePassword(path, {}, { lineWithinMs: 300 })).rejects.toMatchObject({
          exitCode: 2,
          message: `cannot read the password file ${path}: its first line did not come through within 0.3 s (a named pipe whose writer sends nothing?)`,
        });
      });
    });

    it('whose writer sends part of a line and stops is given up on once the time is up', async () => {
      const path = fifo('half');
      await withWriter(`exec 3>'${path}'; printf 'sesa' >&3; exec sleep 30`, async () => {
        await expect(resolvePassword(path, {}, { lineWithinMs: 500 })).rejects.toThrow(/its first line did not come through within 0\.5 s/);
      });
    });
  });

  it('refuses a device, which may never end (/dev/zero) or never give a line (a terminal)', async () => {
    await expect(resolvePassword('/dev/zero', {})).rejects.toThrow('cannot read the password file /dev/zero: it is a device, not a file or a pipe');
  });

  it('refuses a first line past 64 KiB', async () => {
    const file = join(dir, 'huge');
    await writeFile(file, 'x'.repeat(70_000));
    await expect(resolvePassword(file, {})).rejects.toThrow(`cannot read the password file ${file}: its first line is longer than 64 KiB`);
  });

  it('serve with a pipe that nothing opens stops with exit 2 and the sentence, instead of hanging in silence', async () => {
    const path = join(dir, 'serve-fifo');
    execFileSync('mkfifo', [path]);
    // Before: it waited for ever, reading synchronously, and printed nothing.
    const run = await runCli(['serve', '--port', '0', '--password-file', path], { LIVECOMM_CONFIG_DIR: join(dir, 'config') }, 12_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot read the password file ${path}: it did not open within 5 s (a named pipe with nothing writing into it?)`);
  }, 15_000);
});
