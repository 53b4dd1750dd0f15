import type { Trace } from '../telemetry/trace';
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
 * throws: the caller decides what a failure means (degrade, or fail a required stage).
 */
export async function runStage<T>(
  trace: Trace,
  name: string,
  ms: number,
  parent: AbortSignal,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<StageOutcome<T>> {
  const end = trace.span(name);
  const deadlines = new Deadlines(parent);
  deadlines.set('stage', ms, () => new StageTimeout(ms));
  try {
    const value = await abortable(work(deadlines.signal), deadlines.signal);
    end({ outcome: 'ok' });
    return { ok: true, value };
  } catch (err) {
    const failure: StageFailure = err instanceof StageTimeout ? 'timeout' : 'error';
    const detail = err instanceof Error ? err.message : String(err);
    end({ outcome: failure });
    deadlines.abort(err);
    return { ok: false, failure, detail };
  } finally {
    deadlines.dispose();
  }
}
