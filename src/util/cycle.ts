/** The item after `current` in `all`, back to the first after the last (a key that cycles through settings). */
export function nextInCycle<T>(all: readonly T[], current: T): T {
  return all[(all.indexOf(current) + 1) % all.length] ?? current;
}
