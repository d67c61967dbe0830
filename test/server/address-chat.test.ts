import { describe, expect, it } from 'vitest';
import { AddressChatBudget } from '../../src/server/address-chat.js';
import { ADDRESS_CHAT_BYTE_LIMIT } from '../../src/protocol/index.js';

describe('AddressChatBudget', () => {
  it('holds every connection of an address to one budget, each address to its own', () => {
    const budget = new AddressChatBudget({ perSecond: 1000, burst: 4000 });
    expect(budget.take('a', 0, 4000)).toBeUndefined();
    expect(budget.take('a', 0, 1)).toMatch(/KiB of chat a second from its address/);
    expect(budget.take('b', 0, 4000)).toBeUndefined();
    // Refilled at its rate.
    expect(budget.take('a', 1000, 1000)).toBeUndefined();
    expect(budget.take('a', 1000, 1)).toBeDefined();
  });

  it('forgets addresses whose budget has refilled (it says nothing then) when room is needed, so a scan of many addresses holds no memory', () => {
    const budget = new AddressChatBudget({ perSecond: 1000, burst: 4000 }, 255);
    for (let i = 0; i < 255; i++) budget.take(`10.0.0.${i}`, 0, 100);
    expect(budget.size).toBe(255);
    budget.take('late', 10_000, 100);
    expect(budget.size).toBe(1);
  });

  it('is four connections\' worth by default', () => {
    expect(ADDRESS_CHAT_BYTE_LIMIT).toEqual({ perSecond: 32 * 1024, burst: 256 * 1024 });
  });
});
