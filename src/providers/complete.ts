import type { Budgets } from '../config';
import { deadlineExceeded, errorType, isGatewayError, upstreamBroken, upstreamTimeout } from '../errors';
import { batchBytes, chunkReader, type ChunkReader } from '../stream/chunk-reader';
import { SseDecoder } from '../stream/sse-decoder';
import type { ChatChunk } from '../stream/types';
import { chunkCarries, parseEvent } from '../stream/upstream-event';
import { readUsage } from '../telemetry/usage';
import { chatResponseAttrs, type ChatResponse } from '../telemetry/genai';
import type { OpenSpan, Trace } from '../telemetry/trace';
import { Deadlines, withTimeout } from '../util/deadlines';
import { openUpstream, type UpstreamTarget } from './openai-compatible';
import { providerText } from './upstream-errors';
import { PROMPT_END_MS, type StreamEnds } from './stream-ends';

export interface CompletionCall {
  target: UpstreamTarget;
  /** The client's request body, `gateway` stripped; model and streaming fields are set here. */
  body: Record<string, unknown>;
  budgets: Budgets;
  trace: Trace;
  /** This attempt's `chat {model}` span: its traceparent goes upstream; the response's model, id and usage go on it. */
  span: OpenSpan;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
  /** Which endpoints end their responses after `[DONE]` (their answers may be read in batches); none: never batch. */
  ends?: StreamEnds;
}

/**
 * One upstream chat completion, each chunk handed to the sink as it arrives, under the request's
 * deadlines: the first delta of any kind within `firstTokenMs` of the call's start, then no
 * silence longer than `idleMs`, all within `totalMs`. The upstream is always asked to stream (with
 * usage), so the same deadlines hold for clients that want one JSON answer. Resolves when the answer is complete;
 * rejects with a GatewayError (or the client-gone reason) otherwise, the upstream fetch aborted.
 */
export async function runCompletion(call: CompletionCall, sink: CompletionSink): Promise<void> {
  const { budgets, trace } = call;
  const deadlines = new Deadlines(call.signal);
  // Per attempt: a failover gets its own first-token window; the total deadline bounds them all.
  // (The earlier one first: Deadlines arms its one timer once.)
  deadlines.set('first', budgets.firstTokenMs, () => upstreamTimeout('a first token', budgets.firstTokenMs));
  deadlines.set('total', budgets.totalMs - trace.elapsed(), () => deadlineExceeded(budgets.totalMs));
  const payload = JSON.stringify({
    ...call.body,
    model: call.target.upstreamModel,
    stream: true,
    stream_options: { include_usage: true },
  });
  trace.set('endpoint', call.target.endpointId);
  const parent = call.span;
  const endHeaders = trace.span('upstream_headers', { parent });
  let endStream: OpenSpan | undefined;
  let stream: UpstreamStream | undefined;
  let batching = false;
  /** The pending read waits for a batch (more than the next chunk). */
  let inBatch = false;
  try {
    const res = await openUpstream(call.target, payload, parent.traceparent, deadlines.signal);
    endHeaders({ status: res.status });
    endStream = trace.span('upstream_stream', { parent });
    const reader = chunkReader(res.body);
    const url = call.target.url;
    // A client that waits for the whole answer has it read in batches — from an endpoint known to
    // end its responses after [DONE] (stream-ends.ts); a client reading along, chunk by chunk.
    batching = !sink.live && (call.ends?.batchable(url) ?? false);
    // One listener for the whole stream: a deadline or the client going away ends the pending read.
    deadlines.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
    stream = new UpstreamStream(trace, [call.target.apiKey], () => {
      deadlines.clear('first');
      deadlines.sliding('idle', budgets.idleMs, () => upstreamTimeout('a token for a while', budgets.idleMs));
    });
    let done = false;
    while (!done) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        const atLeast = stream.nextRead(!batching, budgets.idleMs);
        inBatch = atLeast > 1;
        read = await reader.read(atLeast);
        inBatch = false;
      } catch (err) {
        // A network failure while reading (socket reset, truncated chunk) is the upstream's.
        throw deadlines.signal.aborted ? err : upstreamBroken('the connection was lost mid-answer');
      }
      if (read.done) {
        if (deadlines.signal.aborted) throw deadlines.signal.reason;
        break;
      }
      deadlines.touch('idle');
      done = stream.feed(read.value, sink);
      sink.flush?.();
    }
    endStream({ malformed: stream.malformed, reads: stream.reads });
    trace.set('upstream_reads', stream.reads);
    if (!stream.complete) throw upstreamBroken('the stream ended before the answer was complete');
    // Anything after [DONE] is not read; release the connection without waiting for it — but
    // while this endpoint's habit is not known, see first whether the response ends (a JSON
    // client's answer only: a stream's end is not held up).
    if (done && !sink.live && call.ends?.learning(url)) {
      const end = await endsSoon(reader, PROMPT_END_MS);
      // Only a clear answer counts: the end, or nothing at all in time (bytes after [DONE], a
      // failed read or a deadline in between say nothing about the endpoint's habit).
      if (!deadlines.signal.aborted && end !== undefined) call.ends.observe(url, end);
      if (!end) reader.cancel().catch(() => {});
    } else if (done) reader.cancel().catch(() => {});
    deadlines.dispose();
  } catch (err) {
    // A read that failed because a deadline fired reports the deadline, not the read; either way
    // the upstream fetch is aborted.
    const reason = deadlines.signal.aborted ? deadlines.signal.reason : err;
    // A deadline that ended a batched read may be a response held open after [DONE]: read this
    // endpoint chunk by chunk again and watch how its responses end.
    if (inBatch && isGatewayError(reason) && (reason.code === 'upstream_timeout' || reason.code === 'deadline_exceeded')) call.ends?.forget(call.target.url);
    deadlines.abort(reason);
    endHeaders.fail(errorType(reason));
    endStream?.fail(errorType(reason));
    throw reason;
  } finally {
    if (stream) parent.set(chatResponseAttrs(stream.response));
  }
}

/** Where a completion's chunks go. */
export interface CompletionSink {
  /** A client sees the chunks as they arrive (a stream): the upstream is read chunk by chunk. */
  live: boolean;
  /** Each upstream chunk, in order. */
  chunk(chunk: ChatChunk): void;
  /** Called after the chunks of one network read: the place to write them out as one batch. */
  flush?(): void;
}

/** The per-stream state: decoding, the first-token moment, usage, completeness. */
class UpstreamStream {
  private readonly decoder = new SseDecoder();
  started = false;
  private finished = false;
  private done = false;
  malformed = 0;
  /** Network reads so far (the log line's `upstream_reads`). */
  reads = 0;
  /** What arrived after the first token, and when it came: the size of the next batched read. */
  private readonly sinceFirstToken = { bytes: 0, reads: 0, firstAt: 0 };
  /** The response's model, id and usage as the provider stated them, for the attempt's span. */
  readonly response: ChatResponse = {};

  constructor(
    private readonly trace: Trace,
    /** Masked in provider text passed on (an error event's message). */
    private readonly secrets: ReadonlyArray<string | undefined>,
    private readonly onFirstToken: () => void,
  ) {}

  /** A complete answer: `[DONE]`, or (for providers that omit it) a finish reason. */
  get complete(): boolean {
    return this.done || this.finished;
  }

  /**
   * How many bytes the next read may wait for. A client reading live gets each chunk as it comes;
   * one waiting for the whole answer gets it read in batches once the first token is in (the
   * first-token deadline stays exact) and until a choice finishes (the usage chunk and `[DONE]`
   * follow, and the connection may stay open — caught only when the finish comes in a read of its
   * own: docs/design-notes.md, "Speed (issue #14)", found and left).
   */
  nextRead(live: boolean, idleMs: number): number {
    if (live || !this.started || this.finished) return 1;
    const { bytes, reads, firstAt } = this.sinceFirstToken;
    return batchBytes({ bytes, reads, ms: this.trace.elapsed() - firstAt, idleMs });
  }

  /** Handles one network read; returns true once `[DONE]` has arrived. */
  feed(bytes: Uint8Array, sink: CompletionSink): boolean {
    this.reads++;
    if (this.started) {
      this.sinceFirstToken.bytes += bytes.byteLength;
      this.sinceFirstToken.reads++;
    }
    return this.handle(this.decoder.feed(bytes), sink);
  }

  private handle(events: string[], sink: CompletionSink): boolean {
    for (const data of events) {
      if (data === '[DONE]') return (this.done = true);
      const ev = parseEvent(data);
      if (ev.error) {
        // Untrusted: the message may be anything, and may echo the key.
        const message = typeof ev.error.message === 'string' ? ev.error.message : 'error event';
        throw upstreamBroken(providerText(message, this.secrets));
      }
      // A chunk with fields of the wrong type may have lost part of the answer: this attempt
      // fails (and fails over if nothing reached the client yet).
      if (ev.invalid) throw upstreamBroken(`a malformed event (${ev.invalid})`);
      if (!ev.chunk) {
        this.trace.set('upstream_malformed_events', ++this.malformed);
        continue;
      }
      const chunk = ev.chunk;
      this.response.model ??= typeof chunk.model === 'string' ? chunk.model : undefined;
      this.response.id ??= typeof chunk.id === 'string' ? chunk.id : undefined;
      // Any delta the client will see — reasoning included — is the answer starting.
      if (!this.started && chunkCarries(chunk)) {
        this.started = true;
        this.sinceFirstToken.firstAt = this.trace.elapsed();
        this.trace.set('ttft_ms', Math.round(this.trace.elapsed()));
        this.onFirstToken();
      }
      if (chunk.usage != null) {
        const usage = readUsage(chunk.usage);
        if (usage) {
          this.trace.usage = usage;
          this.response.usage = usage as unknown as Record<string, unknown>;
        } else this.trace.set('upstream_usage_invalid', true);
      }
      if (chunk.choices.some((c) => c.finish_reason)) this.finished = true;
      sink.chunk(chunk);
    }
    if (this.decoder.overflow) throw upstreamBroken('an event exceeded the size limit');
    return false;
  }
}

/**
 * Whether the stream ends within `ms`: true (its next read is the end), false (nothing came in
 * time: held open), undefined (bytes came, or the read failed). Reads at most that one chunk.
 */
async function endsSoon(reader: ChunkReader, ms: number): Promise<boolean | undefined> {
  try {
    return (await withTimeout(reader.read(), ms, () => new HeldOpen())).done ? true : undefined;
  } catch (err) {
    return err instanceof HeldOpen ? false : undefined;
  }
}

class HeldOpen extends Error {}
