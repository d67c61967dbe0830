/** Command-line flags of the A/B benchmarks (ab-server.ts, ab-call.ts). */

/** Removes `name VALUE` from `argv` and returns VALUE as a number, or `fallback` when the flag is absent. */
export function takeNumberFlag(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv.splice(i, 2)[1]) : fallback;
}
