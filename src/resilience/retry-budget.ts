import type { Clock } from '../util/clock';

export interface RetryBudgetOptions {
  /** Retries allowed as a share of recent requests. @default 0.1 */
  ratio: number;
  /** Retries always allowed per window, so a quiet isolate can still retry. @default 3 */
  minPerWindow: number;
  /** The window "recent" means. @default 10000 */
  windowMs: number;
}

const BUCKETS = 10;

/**
 * Retries bounded by a budget of about `ratio` of recent requests (Finagle/Envoy style), so an
 * outage cannot multiply the load sent upstream: attempts per request stay ≤ 1 + ratio once the
 * minimum is spent. Counts live in `BUCKETS` time buckets sliding over the window.
 */
export class RetryBudget {
  private readonly requests = new Array<number>(BUCKETS).fill(0);
  private readonly retries = new Array<number>(BUCKETS).fill(0);
  private bucket = 0;
  private bucketStart: number;

  constructor(
    private readonly opts: RetryBudgetOptions,
    private readonly clock: Clock,
  ) {
    this.bucketStart = clock.now();
  }

  recordRequest(): void {
    this.rotate();
    this.requests[this.bucket]!++;
  }

  /** Takes one retry from the budget if there is one. */
  tryRetry(): boolean {
    this.rotate();
    const requests = sum(this.requests);
    const retries = sum(this.retries);
    if (retries >= Math.max(this.opts.minPerWindow, this.opts.ratio * requests)) return false;
    this.retries[this.bucket]!++;
    return true;
  }

  private rotate(): void {
    const width = this.opts.windowMs / BUCKETS;
    const steps = Math.floor((this.clock.now() - this.bucketStart) / width);
    if (steps >= BUCKETS) {
      // A whole window went by: nothing recent is left.
      this.requests.fill(0);
      this.retries.fill(0);
      this.bucketStart = this.clock.now();
      return;
    }
    for (let i = 0; i < steps; i++) {
      this.bucket = (this.bucket + 1) % BUCKETS;
      this.requests[this.bucket] = 0;
      this.retries[this.bucket] = 0;
    }
    if (steps > 0) this.bucketStart += steps * width;
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
