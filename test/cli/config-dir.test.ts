import { userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfigDir } from '../../src/cli/common.js';

describe('resolveConfigDir', () => {
  afterEach(() => vi.unstubAllEnvs());
  const account = join(userInfo().homedir, '.config', 'livecomm-tui');
  it.each([
    { name: 'the flag first', flag: '/x', env: { LIVECOMM_CONFIG_DIR: '/y', HOME: '/h' }, dir: '/x' },
    { name: 'then LIVECOMM_CONFIG_DIR', flag: undefined, env: { LIVECOMM_CONFIG_DIR: '/y', HOME: '/h' }, dir: '/y' },
    { name: 'then XDG_CONFIG_HOME', flag: undefined, env: { XDG_CONFIG_HOME: '/xdg', HOME: '/h' }, dir: '/xdg/livecomm-tui' },
    { name: 'then HOME', flag: undefined, env: { HOME: '/h' }, dir: '/h/.config/livecomm-tui' },
    // Relative, these put the private key into the folder the command ran in.
    { name: 'not a relative XDG_CONFIG_HOME (the XDG spec ignores it)', flag: undefined, env: { XDG_CONFIG_HOME: 'rel', HOME: '/h' }, dir: '/h/.config/livecomm-tui' },
    { name: 'the account home for an empty HOME', flag: undefined, env: { HOME: '' }, dir: account },
    { name: 'the account home for a relative HOME', flag: undefined, env: { HOME: 'home' }, dir: account },
    { name: 'the account home without HOME', flag: undefined, env: {}, dir: account },
  ])('$name', ({ flag, env, dir }: { flag: string | undefined; env: NodeJS.ProcessEnv; dir: string }) => {
    // os.homedir() reads the process's HOME: the same one as the env given, as in the CLI.
    if (env.HOME === undefined) vi.stubEnv('HOME', undefined);
    else vi.stubEnv('HOME', env.HOME);
    const resolved = resolveConfigDir(flag, env);
    expect(resolved).toBe(dir);
    expect(isAbsolute(resolved)).toBe(true);
  });

  it('takes an empty LIVECOMM_CONFIG_DIR as unset, and refuses a relative one (the private key would go where the command ran)', () => {
    expect(resolveConfigDir(undefined, { LIVECOMM_CONFIG_DIR: '', HOME: '/h' })).toBe('/h/.config/livecomm-tui');
    expect(() => resolveConfigDir(undefined, { LIVECOMM_CONFIG_DIR: 'relative/path', HOME: '/h' })).toThrow(
      'LIVECOMM_CONFIG_DIR must be an absolute path, not "relative/path" (or give --config-dir relative/path for a folder under this one)',
    );
    // The flag is typed here, for here: relative to this folder, as every path flag is.
    expect(resolveConfigDir('rel', { LIVECOMM_CONFIG_DIR: 'relative/path' })).toBe('rel');
  });
});
