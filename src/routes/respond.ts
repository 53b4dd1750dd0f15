import type { Context } from 'hono';
import type { CachedAnswer } from '../cache/answer';
import { answer } from '../answer/answer';
import { planAnswer, type AnswerPlan } from '../answer/plan';
import type { AnswerSink } from '../answer/sink';
import type { AppEnv } from '../pipeline/context';
import { JsonSink } from '../sinks/json';
import { earlySse, type SseWriter } from '../stream/early-sse';
import { answerDeps } from './answer-deps';

/** A streamed shape: its first event, its sink over the SSE writer, its final error event. */
export interface StreamShape {
  head: string;
  sink(out: SseWriter): AnswerSink;
  errorEvent(err: unknown): string;
}

/**
 * Plans the answer (a bad request fails here, with its real status), looks in the cache when the
 * key is already known, and answers in the requested shape: one JSON body, or a stream whose
 * first event is out before any upstream work has answered.
 */
export async function respond(
  c: Context<AppEnv>,
  shape: { json: true } | { stream: (plan: AnswerPlan) => StreamShape; headers?: Record<string, string> },
): Promise<Response> {
  const plan = planAnswer({ ...c.var, env: c.env, waitUntil: (p) => c.executionCtx.waitUntil(p) });
  const headers: Record<string, string> = {
    ...('headers' in shape ? shape.headers : {}),
    'x-gateway-model': plan.resolved.model.id,
    'x-gateway-tier': plan.resolved.tier,
    ...(plan.variant ? { 'x-gateway-variant': plan.variant } : {}),
  };
  const streaming = !('json' in shape);
  let hit: CachedAnswer | undefined;
  // Without a fan-out the key is known now: a hit is answered before any stream opens. A stream
  // reads only memory here; the slower layers wait until it has opened (`answer` resumes them).
  if (!plan.fanout) {
    hit = await plan.cache.lookup(undefined, { fast: streaming, signal: c.req.raw.signal });
    // A stream's header can only tell a memory hit (or bypass); other outcomes ride on its metadata.
    if (!streaming || plan.cache.status !== 'miss') headers['x-gateway-cache'] = plan.cache.status;
  }
  if ('json' in shape) {
    const sink = new JsonSink(plan, headers);
    if (hit) sink.replay(hit, undefined);
    else await answer(plan, answerDeps(c, plan), sink, c.req.raw.signal);
    return c.json(sink.body, 200, sink.headers);
  }
  const stream = shape.stream(plan);
  // The client's stream, open from its first byte until it ended (done, failed, or the client left).
  const streamSpan = c.get('trace').span('stream');
  void c.get('end').promise.then((outcome) => (outcome === 'complete' ? streamSpan({ outcome }) : streamSpan.fail(outcome, { outcome })));
  return earlySse({
    headers,
    head: stream.head,
    heartbeatMs: c.get('catalog').config.budgets.heartbeatMs,
    errorEvent: stream.errorEvent,
    end: c.get('end'),
    async run(out, clientGone) {
      const sink = stream.sink(out);
      if (hit) return sink.replay(hit, undefined);
      await answer(plan, answerDeps(c, plan), sink, AbortSignal.any([clientGone, c.req.raw.signal]));
    },
  });
}
