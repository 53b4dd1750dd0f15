import type { Budgets } from '../config';
import { deadlineExceeded, isGatewayError, upstreamBroken, upstreamTimeout } from '../errors';
import type { Trace } from '../telemetry/trace';
import { upstreamEvents } from '../stream/upstream-chunks';
import type { ChatChunk } from '../stream/types';
import { abortable, Deadlines } from '../util/deadlines';
import { openUpstream, type UpstreamTarget } from './openai-compatible';

export interface CompletionCall {
  target: UpstreamTarget;
  /** The client's request body, `gateway` stripped; model and streaming fields are set here. */
  body: Record<string, unknown>;
  budgets: Budgets;
  trace: Trace;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

/**
 * One upstream chat completion as a stream of chunks, under the request's deadlines: the first
 * content token within `firstTokenMs` of the request's arrival, then no silence longer than
 * `idleMs`, all within `totalMs`. The upstream is always asked to stream (with usage), so the same
 * deadlines hold for clients that want one JSON answer. Stopping the iteration early aborts the
 * upstream fetch.
 */
export async function* streamCompletion(call: CompletionCall): AsyncGenerator<ChatChunk> {
  const { budgets, trace } = call;
  const deadlines = new Deadlines(call.signal);
  deadlines.set('total', budgets.totalMs - trace.elapsed(), () => deadlineExceeded(budgets.totalMs));
  deadlines.set('first', budgets.firstTokenMs - trace.elapsed(), () => upstreamTimeout('a first token', budgets.firstTokenMs));
  const payload = JSON.stringify({
    ...call.body,
    model: call.target.upstreamModel,
    stream: true,
    stream_options: { include_usage: true },
  });
  trace.set('endpoint', call.target.endpointId);
  const endConnect = trace.span('upstream_headers');
  let events: AsyncGenerator<unknown> | undefined;
  try {
    const res = await openUpstream(call.target, payload, trace.traceparent, deadlines.signal);
    endConnect({ status: res.status });
    const endStream = trace.span('upstream_stream');
    const it = upstreamEvents(res.body);
    events = it;
    let started = false;
    let finished = false;
    let malformed = 0;
    for (;;) {
      const next = await abortable(it.next(), deadlines.signal).catch((err: unknown) => {
        // A network failure while reading (socket reset, truncated chunk) is the upstream's.
        throw isGatewayError(err) || deadlines.signal.aborted ? err : upstreamBroken('the connection was lost mid-answer');
      });
      if (next.done) {
        endStream({ malformed });
        if (!next.value.done && !finished) throw upstreamBroken('the stream ended before the answer was complete');
        return;
      }
      const ev = next.value;
      if (ev.malformed) {
        trace.set('upstream_malformed_events', ++malformed);
        continue;
      }
      if (ev.error) throw upstreamBroken(ev.error.message ?? 'error event');
      const chunk = ev.chunk!;
      if (!started && startsAnswer(chunk)) {
        started = true;
        deadlines.clear('first');
        trace.set('ttft_ms', Math.round(trace.elapsed()));
      }
      if (started) deadlines.set('idle', budgets.idleMs, () => upstreamTimeout('a token for a while', budgets.idleMs));
      if (chunk.usage) trace.usage = chunk.usage;
      if (chunk.choices.some((c) => c.finish_reason)) finished = true;
      yield chunk;
    }
  } catch (err) {
    // A read that failed because a deadline fired reports the deadline, not the read.
    throw deadlines.signal.aborted ? deadlines.signal.reason : err;
  } finally {
    deadlines.abort(new Error('completion finished'));
    events?.return(undefined).catch(() => {});
  }
}

/** The first chunk that carries any part of the answer (text, refusal, a tool call, or the end). */
function startsAnswer(chunk: ChatChunk): boolean {
  return chunk.choices.some(
    (c) => !!c.delta?.content || !!c.delta?.refusal || !!c.delta?.tool_calls?.length || c.finish_reason !== null,
  );
}
