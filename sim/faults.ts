// Per-scope fault injection shared by the provider and the origin.
import type { ServerResponse } from 'node:http';
import { errorBody, sendJson, sleep, untilAborted } from './http.ts';

/** Faults every simulated server understands. */
export interface BaseFaults {
  /** Delay before the response headers. */
  latencyMs?: number;
  /** Answer with this HTTP status and an OpenAI-style error body (after the latency). */
  status?: number;
  /** Seconds; sets `Retry-After` on the `status` error. */
  retryAfter?: number;
  /** Accept the request and never answer (until the client goes away). */
  hang?: boolean;
  /** Like hang, but proceeds normally once released. */
  hold?: boolean;
  /** Only the first k requests of the scope get the failure faults; later ones are normal. */
  failFirst?: number;
}

export type FaultValue = number | boolean;

interface Held {
  scope: string;
  resume: () => void;
}

export class FaultTable<F extends BaseFaults> {
  #faults = new Map<string, F>();
  #counts = new Map<string, number>();
  #held = new Set<Held>();
  /** Keys that `failFirst` turns off after the first k requests (latency and timing always apply). */
  readonly #failureKeys: readonly (keyof F)[];

  constructor(failureKeys: readonly (keyof F)[]) {
    this.#failureKeys = failureKeys;
  }

  /** Replaces the faults of a scope (null clears them) and restarts its failFirst count. */
  set(scope: string, faults: F | null): void {
    if (faults) this.#faults.set(scope, { ...faults });
    else this.#faults.delete(scope);
    this.#counts.delete(scope);
  }

  has(scope: string): boolean {
    return this.#faults.has(scope);
  }

  /** Faults for the next request of `scope`, counting it towards failFirst. */
  take(scope: string): F {
    const faults = this.#faults.get(scope);
    if (!faults) return {} as F;
    const n = (this.#counts.get(scope) ?? 0) + 1;
    this.#counts.set(scope, n);
    if (faults.failFirst === undefined || n <= faults.failFirst) return faults;
    const healed = { ...faults };
    for (const key of this.#failureKeys) delete healed[key];
    return healed;
  }

  /** Waits until `release` covers this scope or the client goes away. */
  hold(scope: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const held: Held = { scope, resume: () => { this.#held.delete(held); resolve(); } };
      this.#held.add(held);
      void untilAborted(signal).then(held.resume);
    });
  }

  release(scope?: string): void {
    for (const held of [...this.#held]) if (scope === undefined || held.scope === scope) held.resume();
  }

  /** How many requests are currently held: lets tests release only once a request has arrived. */
  heldCount(scope?: string): number {
    let n = 0;
    for (const held of this.#held) if (scope === undefined || held.scope === scope) n++;
    return n;
  }

  /** Clears faults and counts; held requests are released so nothing waits forever. */
  reset(): void {
    this.#faults.clear();
    this.#counts.clear();
    this.release();
  }
}

/** Checks a fault object arriving over the control API: flat numbers and booleans only. */
export function isFaults(value: unknown): value is Record<string, FaultValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === 'number' || typeof v === 'boolean');
}

/**
 * The faults that act before any response, in order: hang, hold, latency, status.
 * Returns true when the request has been dealt with (error sent, or client gone).
 */
export async function gate<F extends BaseFaults>(
  res: ServerResponse,
  signal: AbortSignal,
  table: FaultTable<F>,
  scope: string,
  faults: F,
  latencyMs: number,
  /** Appended to the error message (e.g. what a provider echoes back). */
  detail?: string,
): Promise<boolean> {
  if (faults.hang) {
    await untilAborted(signal);
    return true;
  }
  if (faults.hold) await table.hold(scope, signal);
  await sleep(latencyMs, signal);
  if (faults.status === undefined) return false;
  const headers: Record<string, string> = {};
  if (faults.retryAfter !== undefined) headers['retry-after'] = String(faults.retryAfter);
  sendJson(res, faults.status, errorBody(faults.status, `Simulated ${faults.status} fault (scope "${scope}")${detail ? `: ${detail}` : ''}`), headers);
  return true;
}
