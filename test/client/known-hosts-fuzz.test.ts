/**
 * Seeded fuzz of known_hosts as real machines leave it: hand edits with CRLF, lone CRs, a BOM, tabs, garbage bytes,
 * comments and lines cut short, with or without a last newline. Remembering a new server must keep every server the
 * file vouched for, and vouch for the new one. KNOWNHOSTS_SEEDS runs more.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideTrust, readKnownHosts, rememberHost } from '../../src/client/known-hosts.js';
import { rng } from '../helpers/rng.js';

const SEEDS = Number(process.env.KNOWNHOSTS_SEEDS ?? 200);
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function fingerprint(random: () => number): string {
  return `SHA256:${Array.from({ length: 43 }, () => B64[Math.floor(random() * 64)]).join('')}`;
}

/** One file's text and the hosts it vouches for (later lines win, as documented). */
function knownHostsText(random: () => number): { text: string; vouched: Map<string, string> } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const hosts = ['a.example:7447', '[::1]:7447', '[fd00::2]:9000', 'B.Example:7447', '10.0.0.5:1'];
  const vouched = new Map<string, string>();
  const lines: string[] = [];
  for (let i = Math.floor(random() * 8); i > 0; i--) {
    const kind = pick(['entry', 'entry', 'comment', 'blank', 'garbage', 'torn']);
    if (kind === 'entry') {
      const host = pick(hosts);
      const fp = fingerprint(random);
      vouched.set(host.toLowerCase(), fp);
      lines.push(`${pick(['', ' ', '\t'])}${host}${pick([' ', '\t', '  '])}${fp}${pick(['', ' ', '='])}`);
    } else if (kind === 'comment') lines.push(`# ${pick(hosts)} ${fingerprint(random)}`);
    else if (kind === 'blank') lines.push(pick(['', '   ', '\t']));
    else if (kind === 'garbage') lines.push(`${String.fromCharCode(...Array.from({ length: 10 }, () => 1 + Math.floor(random() * 250)).filter((c) => c !== 10 && c !== 13))}`);
    else {
      // Cut short: its host is then damaged, not vouched for (and not a changed certificate).
      const host = pick(hosts);
      vouched.delete(host.toLowerCase());
      lines.push(`${host} ${fingerprint(random).slice(0, 7 + Math.floor(random() * 30))}`);
    }
  }
  const eol = pick(['\n', '\r\n', '\r']);
  const text = `${random() < 0.2 ? '\uFEFF' : ''}${lines.join(eol)}${random() < 0.5 ? eol : ''}`;
  return { text, vouched };
}

describe('known_hosts fuzz', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livecomm-known-hosts-fuzz-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`remembering a new server loses none that the file vouched for (${SEEDS} seeds)`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const random = rng(seed);
      const { text, vouched } = knownHostsText(random);
      const path = join(dir, `known_hosts-${seed}`);
      await writeFile(path, text);
      const before = await readKnownHosts(path);
      for (const [host, fp] of vouched) expect(decideTrust(before, host, fp), `seed ${seed}, ${host}`).toEqual({ type: 'known' });
      const fresh = fingerprint(random);
      await rememberHost(path, 'new.example:7447', fresh);
      const after = await readKnownHosts(path);
      expect(decideTrust(after, 'new.example:7447', fresh), `seed ${seed}: ${JSON.stringify(await readFile(path, 'utf8'))}`).toEqual({ type: 'known' });
      for (const [host, fp] of vouched) expect(decideTrust(after, host, fp), `seed ${seed}, ${host}`).toEqual({ type: 'known' });
    }
  });
});
