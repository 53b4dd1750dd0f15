/**
 * Named deadlines over one AbortController: whichever fires first aborts the work with its own
 * error as the reason, so the caller can tell "first token late" from "client gone". A parent
 * signal (the client's disconnect) aborts it too.
 */
export class Deadlines {
  private readonly controller = new AbortController();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly touches = new Map<string, number>();
  private readonly unlinkParent: () => void;

  constructor(parent?: AbortSignal) {
    if (parent?.aborted) this.controller.abort(parent.reason);
    const onParentAbort = () => this.abort(parent?.reason);
    parent?.addEventListener('abort', onParentAbort, { once: true });
    this.unlinkParent = () => parent?.removeEventListener('abort', onParentAbort);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** (Re)arms the named deadline `ms` from now; a non-positive `ms` fires at once. */
  set(name: string, ms: number, reason: () => Error): void {
    this.clear(name);
    if (this.signal.aborted) return;
    if (ms <= 0) return this.abort(reason());
    this.timers.set(name, setTimeout(() => this.abort(reason()), ms));
  }

  /**
   * A deadline that `touch` pushes back: fires once `ms` pass without a touch (within a quarter
   * of `ms`). Touching only bumps a counter — no clock read, no timer churn per chunk; a timer
   * ticking every `ms / 4` fires after four ticks in a row without one.
   */
  sliding(name: string, ms: number, reason: () => Error): void {
    this.touches.set(name, 0);
    let seen = 0;
    let quietTicks = 0;
    const tick = () => {
      const touches = this.touches.get(name)!;
      quietTicks = touches === seen ? quietTicks + 1 : 0;
      seen = touches;
      if (quietTicks >= 4) return this.abort(reason());
      this.timers.set(name, setTimeout(tick, ms / 4));
    };
    this.clear(name);
    if (!this.signal.aborted) this.timers.set(name, setTimeout(tick, ms / 4));
  }

  touch(name: string): void {
    const n = this.touches.get(name);
    if (n !== undefined) this.touches.set(name, n + 1);
  }

  clear(name: string): void {
    const timer = this.timers.get(name);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(name);
  }

  abort(reason: unknown): void {
    this.dispose();
    if (!this.signal.aborted) this.controller.abort(reason);
  }

  /** Stops every timer and forgets the parent; the signal keeps whatever state it has. */
  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.unlinkParent();
  }
}

/** Resolves like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Resolves like `work`, or rejects with `timeoutError()` after `ms`. The abandoned call's late
 * failure is swallowed, so it never surfaces as an unhandled rejection.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, timeoutError: () => Error = () => new Error(`timed out after ${ms} ms`)): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(timeoutError()), ms)));
  return Promise.race([work, late]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
    work.catch(() => {});
  });
}
