/** Time as the resilience units see it: injected, so their tests run on a fake clock. */
export interface Clock {
  /** Milliseconds, monotonic enough for durations. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
