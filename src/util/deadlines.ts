/** A deadline `touch` pushes back: checked every `every` ms, it fires after four checks in a row without a touch. */
interface Sliding {
  every: number;
  touches: number;
  seen: number;
  quiet: number;
  /** When it is next checked. */
  next: number;
  reason: () => Error;
}

/**
 * Named deadlines over one AbortController: whichever fires first aborts the work with its own
 * error as the reason, so the caller can tell "first token late" from "client gone". A parent
 * signal (the client's disconnect) aborts it too.
 *
 * One timer for all of them, armed for the earliest: setting a later deadline or clearing one
 * touches no timer (when the timer fires for a cleared deadline it re-arms for the next). An
 * upstream attempt — a first-token, an idle and a total deadline, most of them never reached —
 * costs one setTimeout and one clearTimeout (bench/profile.ts had three of each at ~5% of a
 * request's CPU).
 */
export class Deadlines {
  private readonly controller = new AbortController();
  private readonly fixed = new Map<string, { at: number; reason: () => Error }>();
  private readonly slides = new Map<string, Sliding>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
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

  /** (Re)arms the named deadline `ms` from now; a non-positive (or NaN) `ms` fires at once. */
  set(name: string, ms: number, reason: () => Error): void {
    this.clear(name);
    if (this.signal.aborted) return;
    if (!(ms > 0)) return this.abort(reason());
    const at = Date.now() + ms;
    this.fixed.set(name, { at, reason });
    this.arm(at);
  }

  /**
   * A deadline that `touch` pushes back: fires once `ms` pass without a touch (within a quarter
   * of `ms`). Touching only bumps a counter — no clock read, no timer churn per chunk; it is
   * checked every `ms / 4` and fires after four checks in a row without one.
   */
  sliding(name: string, ms: number, reason: () => Error): void {
    this.clear(name);
    if (this.signal.aborted) return;
    const every = ms / 4;
    const next = Date.now() + every;
    this.slides.set(name, { every, touches: 0, seen: 0, quiet: 0, next, reason });
    this.arm(next);
  }

  touch(name: string): void {
    const s = this.slides.get(name);
    if (s) s.touches++;
  }

  clear(name: string): void {
    this.fixed.delete(name);
    this.slides.delete(name);
  }

  abort(reason: unknown): void {
    this.dispose();
    if (!this.signal.aborted) this.controller.abort(reason);
  }

  /** Stops the timer and forgets the parent; the signal keeps whatever state it has. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.fixed.clear();
    this.slides.clear();
    this.unlinkParent();
  }

  /** Makes sure the timer fires by `at`. */
  private arm(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    // Whole ms, rounded up: the runtime truncates a delay, and a timer that fires before its
    // deadline is due would only re-arm.
    this.timer = setTimeout(this.fire, Math.max(0, Math.ceil(at - Date.now())));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    // Of several due at once (the timer ran late), the one that was due first gives the reason.
    let due: { at: number; reason: () => Error } | undefined;
    for (const d of this.fixed.values()) {
      if (d.at <= now && (!due || d.at < due.at)) due = d;
      next = Math.min(next, d.at);
    }
    if (due) return this.abort(due.reason());
    for (const s of this.slides.values()) {
      if (s.next <= now) {
        s.quiet = s.touches === s.seen ? s.quiet + 1 : 0;
        s.seen = s.touches;
        if (s.quiet >= 4) return this.abort(s.reason());
        s.next = now + s.every;
      }
      next = Math.min(next, s.next);
    }
    if (next < Infinity) this.arm(next);
  };
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
