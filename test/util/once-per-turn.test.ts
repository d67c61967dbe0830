import { describe, expect, it } from 'vitest';
import { OncePerTurn } from '../../src/util/once-per-turn.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('OncePerTurn', () => {
  it('runs a task asked for many times in one turn once, at the end of the turn', async () => {
    let runs = 0;
    const task = new OncePerTurn(() => (runs += 1));
    task.request();
    task.request();
    task.request();
    expect(runs).toBe(0);
    await nextTurn();
    expect(runs).toBe(1);
  });

  it('runs again when asked again after it ran, including from inside the task', async () => {
    let runs = 0;
    const task: OncePerTurn = new OncePerTurn(() => {
      runs += 1;
      if (runs === 1) task.request();
    });
    task.request();
    await nextTurn();
    await nextTurn();
    expect(runs).toBe(2);
  });
});
