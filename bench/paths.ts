/**
 * Where the project's files are, for benchmarks compiled to `dist-bench/bench/` as well as run from `bench/`:
 * walk up from this module to the directory that holds package.json.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('benchmarks: cannot find the project root (package.json with fixtures/)');
    dir = up;
  }
}

/** The project root. */
export const PROJECT_ROOT = findRoot();

/** A path inside the project's `fixtures/`. */
export function fixturePath(name: string): string {
  return join(PROJECT_ROOT, 'fixtures', name);
}
