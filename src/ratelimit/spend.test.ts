import { describe, expect, it } from 'vitest';
import { MemorySpendLedger, spendDay, toNano } from './spend';

describe('MemorySpendLedger', () => {
  it('reserves within the limit, refuses past it without touching the ledger, adjusts to the real cost', async () => {
    const ledger = new MemorySpendLedger(() => 0);
    const limit = toNano(0.01);
    expect(await ledger.reserve('k', toNano(0.004), limit, 60)).toEqual({ ok: true, spent: toNano(0.004) });
    expect(await ledger.reserve('k', toNano(0.004), limit, 60)).toEqual({ ok: true, spent: toNano(0.008) });
    expect(await ledger.reserve('k', toNano(0.004), limit, 60)).toEqual({ ok: false, spent: toNano(0.008) });
    await ledger.adjust('k', -toNano(0.003), 60); // the second request cost 0.001
    expect((await ledger.reserve('k', toNano(0.004), limit, 60)).ok).toBe(true);
  });

  it('forgets a day once it expires', async () => {
    let now = 0;
    const ledger = new MemorySpendLedger(() => now);
    await ledger.reserve('k', 5, 10, 1);
    now = 1001;
    expect(await ledger.reserve('k', 10, 10, 1)).toEqual({ ok: true, spent: 10 });
  });
});

describe('spendDay', () => {
  it('keys a tenant\'s spend by UTC day and says when it resets', () => {
    expect(spendDay('acme', Date.parse('2026-11-29T23:59:30Z'))).toEqual({ key: 'gw:spend:acme:2026-11-29', resetSeconds: 30 });
  });
});
