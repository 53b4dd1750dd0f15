import type { Clock } from '../util/clock';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. @default 5 */
  consecutiveFailures: number;
  /** Failure rate over the window that opens it, once the window has `minRequests`. @default 0.5 */
  failureRate: number;
  /** Outcomes remembered for the rate. @default 20 */
  window: number;
  /** Fewest outcomes before the rate is trusted. @default 10 */
  minRequests: number;
  /** First cool-down; doubles each time the breaker re-opens from a failed probe. @default 5000 */
  cooldownMs: number;
  /** Longest cool-down. @default 60000 */
  maxCooldownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What `tryAcquire` granted: an ordinary request, or the half-open breaker's single probe. */
export type Ticket = 'normal' | 'probe';

/**
 * A per-endpoint circuit breaker: closed → open after consecutive failures or a failure rate over
 * a window → half-open once the cool-down has passed, admitting exactly one probe → closed on its
 * success, or open again with a longer cool-down on its failure.
 */
export class CircuitBreaker {
  private outcomes: boolean[] = [];
  private consecutive = 0;
  private openedAt = 0;
  private cooldown: number;
  private probing = false;
  private opened = false;

  constructor(
    private readonly opts: BreakerOptions,
    private readonly clock: Clock,
  ) {
    this.cooldown = opts.cooldownMs;
  }

  get state(): BreakerState {
    if (!this.opened) return 'closed';
    return this.clock.now() - this.openedAt >= this.cooldown ? 'half-open' : 'open';
  }

  /**
   * May a request go to this endpoint now? In half-open, once — the probe — until it reports.
   * The ticket says which: only the probe's outcome may close or re-open an opened breaker.
   */
  tryAcquire(): Ticket | undefined {
    const state = this.state;
    if (state === 'closed') return 'normal';
    if (state === 'open' || this.probing) return undefined;
    this.probing = true;
    return 'probe';
  }

  /** The probe ended without saying anything about the endpoint (the client left, a 4xx…). */
  release(ticket: Ticket): void {
    if (ticket === 'probe') this.probing = false;
  }

  /** ms until the breaker will admit a probe (0 when it admits now). */
  retryAfterMs(): number {
    return this.opened ? Math.max(0, this.openedAt + this.cooldown - this.clock.now()) : 0;
  }

  onSuccess(ticket: Ticket = 'normal'): void {
    // A request admitted before the breaker opened says nothing about the endpoint now.
    if (this.opened && ticket !== 'probe') return;
    if (this.opened) {
      // The probe came back healthy: start over.
      this.opened = false;
      this.probing = false;
      this.cooldown = this.opts.cooldownMs;
      this.outcomes = [];
    }
    this.consecutive = 0;
    this.record(true);
  }

  onFailure(ticket: Ticket = 'normal'): void {
    if (this.opened && ticket !== 'probe') return;
    if (this.opened) {
      // A failed probe: open again, for longer.
      this.probing = false;
      this.cooldown = Math.min(this.cooldown * 2, this.opts.maxCooldownMs);
      this.openedAt = this.clock.now();
      return;
    }
    this.consecutive++;
    this.record(false);
    const failures = this.outcomes.filter((ok) => !ok).length;
    const rateTripped = this.outcomes.length >= this.opts.minRequests && failures / this.outcomes.length >= this.opts.failureRate;
    if (this.consecutive >= this.opts.consecutiveFailures || rateTripped) {
      this.opened = true;
      this.openedAt = this.clock.now();
    }
  }

  private record(ok: boolean): void {
    this.outcomes.push(ok);
    if (this.outcomes.length > this.opts.window) this.outcomes.shift();
  }
}
