import type { OpenSpan } from '../telemetry/trace';
import { abortable, Deadlines } from '../util/deadlines';

export type StageFailure = 'timeout' | 'error';

export type StageOutcome<T> = { ok: true; value: T } | { ok: false; failure: StageFailure; detail: string };

class StageTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Runs one fan-out stage under its own deadline: the signal handed to `work` aborts at the
 * deadline or when the request ends (client gone, total deadline), so the origin fetch it covers
 * is really cancelled; the stage settles at the deadline even if `work` ignored its signal. Never
 * throws: the caller decides what a failure means (degrade, or fail a required stage). `span`,
 * opened by the caller, is the stage's: it ends with the outcome, and its traceparent goes to
 * `work` for the fetch it covers.
 */
export async function runStage<T>(
  span: OpenSpan,
  ms: number,
  parent: AbortSignal,
  work: (signal: AbortSignal, traceparent: string) => Promise<T>,
): Promise<StageOutcome<T>> {
  const deadlines = new Deadlines(parent);
  deadlines.set('stage', ms, () => new StageTimeout(ms));
  try {
    const value = await abortable(work(deadlines.signal, span.traceparent), deadlines.signal);
    span({ outcome: 'ok' });
    return { ok: true, value };
  } catch (err) {
    const failure: StageFailure = err instanceof StageTimeout ? 'timeout' : 'error';
    const detail = err instanceof Error ? err.message : String(err);
    span.fail(detail, { outcome: failure });
    deadlines.abort(err);
    return { ok: false, failure, detail };
  } finally {
    deadlines.dispose();
  }
}
