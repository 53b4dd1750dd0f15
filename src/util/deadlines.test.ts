import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from './deadlines';

class Late extends Error {}
const late = (what: string) => () => new Late(what);
const reasonOf = (d: Deadlines) => (d.signal.aborted ? (d.signal.reason as Error).message : undefined);

/** Not fired 1 ms before `ms` from now; fired with `reason` by `ms` (+ `slack`). */
function expectFiresAt(d: Deadlines, ms: number, reason: string, slack = 0) {
  vi.advanceTimersByTime(ms - 1);
  expect(d.signal.aborted).toBe(false);
  vi.advanceTimersByTime(1 + slack);
  expect(reasonOf(d)).toBe(reason);
}

describe('Deadlines', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('fires a deadline at its time, not before, with its own reason', () => {
    const d = new Deadlines();
    d.set('first', 1200, late('first'));
    expectFiresAt(d, 1200, 'first');
    expect(d.signal.reason).toBeInstanceOf(Late);
  });

  it('a later deadline never delays an earlier one, whichever was set first', () => {
    const a = new Deadlines();
    a.set('total', 30_000, late('total'));
    a.set('first', 1200, late('first'));
    const b = new Deadlines();
    b.set('first', 1200, late('first'));
    b.set('total', 30_000, late('total'));
    vi.advanceTimersByTime(1200);
    expect([reasonOf(a), reasonOf(b)]).toEqual(['first', 'first']);
  });

  it('keeps one timer for all of its deadlines', () => {
    const d = new Deadlines();
    d.set('first', 1200, late('first'));
    d.set('total', 30_000, late('total'));
    d.sliding('idle', 10_000, late('idle'));
    expect(vi.getTimerCount()).toBe(1);
    d.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a cleared deadline does not fire; the rest still fire on time', () => {
    const d = new Deadlines();
    d.set('first', 1200, late('first'));
    d.set('total', 5000, late('total'));
    d.clear('first');
    expectFiresAt(d, 5000, 'total');
  });

  it('set again moves the deadline (later or earlier)', () => {
    const d = new Deadlines();
    d.set('x', 1000, late('x'));
    d.set('x', 3000, late('x later'));
    vi.advanceTimersByTime(2999);
    expect(d.signal.aborted).toBe(false);
    d.set('x', 100, late('x sooner'));
    vi.advanceTimersByTime(100);
    expect(reasonOf(d)).toBe('x sooner');
  });

  it('a non-positive (or NaN) deadline fires at once', () => {
    const d = new Deadlines();
    d.set('total', 0, late('total'));
    expect(reasonOf(d)).toBe('total');
    const n = new Deadlines();
    n.set('total', NaN, late('not a number'));
    expect(reasonOf(n)).toBe('not a number');
  });

  it('of several due when the timer runs late, the earliest gives the reason', () => {
    const d = new Deadlines();
    d.set('first', 1200, late('first'));
    d.set('total', 1000, late('total'));
    // A busy isolate: the clock jumps past both before the timer runs.
    vi.setSystemTime(Date.now() + 5000);
    vi.advanceTimersByTime(1000);
    expect(reasonOf(d)).toBe('total');
  });

  it('a span that is not a whole number of ms, on a runtime that truncates delays: fires on time, no busy re-arming', () => {
    // workerd truncates a timer's delay and its callback sees exactly the scheduled time: a timer
    // armed for a fractional deadline would wake before it is due and re-arm at 0 ms forever.
    const fake = globalThis.setTimeout;
    let armed = 0;
    vi.stubGlobal('setTimeout', (fn: () => void, ms = 0) => {
      armed++;
      return fake(fn, Math.trunc(ms));
    });
    const d = new Deadlines();
    d.sliding('idle', 301, late('idle'));
    expectFiresAt(d, 301, 'idle', 75);
    // One timer per check (four checks, the last one fires): none woke before its check was due.
    expect(armed).toBe(4);
  });

  it('a sliding deadline fires after its span without a touch (within a quarter more), and touches keep it alive', () => {
    const quiet = new Deadlines();
    quiet.sliding('idle', 1000, late('idle'));
    expectFiresAt(quiet, 1000, 'idle');

    const busy = new Deadlines();
    busy.sliding('idle', 1000, late('idle'));
    for (let t = 0; t < 10_000; t += 200) {
      vi.advanceTimersByTime(200);
      busy.touch('idle');
    }
    expect(busy.signal.aborted).toBe(false);
    // Then silence: it fires between 1000 and 1250 ms after the last touch.
    expectFiresAt(busy, 1000, 'idle', 250);
  });

  it('a sliding deadline runs beside a fixed one: the fixed one still fires on time', () => {
    const d = new Deadlines();
    d.set('total', 2600, late('total'));
    d.sliding('idle', 1000, late('idle'));
    for (let t = 0; t < 2500; t += 100) {
      vi.advanceTimersByTime(100);
      d.touch('idle');
    }
    expect(d.signal.aborted).toBe(false);
    vi.advanceTimersByTime(100);
    expect(reasonOf(d)).toBe('total');
  });

  it("the parent's abort aborts it with the parent's reason, and stops its timer", () => {
    const parent = new AbortController();
    const d = new Deadlines(parent.signal);
    d.set('first', 1200, late('first'));
    parent.abort(new Error('client gone'));
    expect(reasonOf(d)).toBe('client gone');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after dispose nothing fires and the parent is forgotten', () => {
    const parent = new AbortController();
    const d = new Deadlines(parent.signal);
    d.set('first', 100, late('first'));
    d.dispose();
    vi.advanceTimersByTime(1000);
    parent.abort(new Error('client gone'));
    expect(d.signal.aborted).toBe(false);
  });
});
