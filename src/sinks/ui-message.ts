import { replayChunks, type CachedAnswer } from '../cache/answer';
import type { CacheStatus } from '../cache/flow';
import { sourcesOf } from '../fanout/augment';
import type { FanoutResult } from '../fanout/fanout';
import type { PromptMeta } from '../prompts/prepare';
import type { SseWriter } from '../stream/early-sse';
import type { ChatChunk, ChunkChoice } from '../stream/types';
import type { AnswerPlan } from '../answer/plan';
import { replayMeta, servedMeta, type AnswerSink, type Done } from '../answer/sink';

type Open = { kind: 'text' | 'reasoning'; id: string } | undefined;
interface ToolInput {
  toolCallId: string;
  toolName: string;
  input: string;
}

/** OpenAI finish reasons as the AI SDK names them. */
const FINISH: Record<string, string> = { stop: 'stop', length: 'length', tool_calls: 'tool-calls', function_call: 'tool-calls', content_filter: 'content-filter' };

/**
 * The answer as the AI SDK's UI-message stream (v1), what `useChat` reads: `start` first (the
 * stream's head), `source-document` parts as soon as retrieval settles, then reasoning and text
 * parts (each opened, streamed, closed), tool-input parts for the provider's tool calls,
 * `message-metadata` with the gateway's figures, and `finish`. One message: choice 0 of the answer.
 * Only part types the `ai` package knows are written (it rejects others).
 */
export class UiMessageSink implements AnswerSink {
  readonly assembles = false;
  readonly live = true;
  private open: Open;
  private parts = 0;
  private readonly tools = new Map<number, ToolInput>();
  private finishReason?: string;
  private cache: CacheStatus | undefined;
  private degraded: string[] = [];

  constructor(
    private readonly out: SseWriter,
    private readonly plan: AnswerPlan,
  ) {}

  /** The stream's first part, flushed before anything upstream has answered. */
  static head(plan: AnswerPlan, messageId: string): string {
    const { trace } = plan;
    return JSON.stringify({ type: 'start', messageId, messageMetadata: { request_id: trace.requestId, trace_id: trace.context.traceId } });
  }

  /** The stream's final part on a failure: the SDK raises it as an error. */
  static error(e: { message: string; code: string }, requestId: string): string {
    return JSON.stringify({ type: 'error', errorText: `${e.message} (${e.code}, request ${requestId})` });
  }

  sources(fanout: FanoutResult): void {
    for (const s of sourcesOf(fanout)) {
      const part = /^https?:\/\//.test(s.source ?? '')
        ? { type: 'source-url', sourceId: s.id, url: s.source, title: `[${s.n}] ${s.id}` }
        : { type: 'source-document', sourceId: s.id, mediaType: 'text/plain', title: `[${s.n}] ${s.source ?? s.id}` };
      this.write({ ...part, providerMetadata: { gateway: { n: s.n, score: s.score } } });
    }
    this.degraded = fanout.degraded;
    this.out.flush();
  }

  cacheStatus(status: CacheStatus): void {
    this.cache = status;
  }

  prompt(fanout: FanoutResult | undefined, _prompt: PromptMeta | undefined): void {
    if (fanout) this.degraded = fanout.degraded;
  }

  chunk(chunk: ChatChunk): void {
    const choice = chunk.choices.find((c) => c.index === 0);
    if (choice) this.choice(choice);
  }

  flush(): void {
    this.out.flush();
  }

  replay(hit: CachedAnswer, fanout: FanoutResult | undefined): void {
    if (fanout) this.degraded = fanout.degraded;
    for (const choice of replayChunks(hit)) if (choice.index === 0) this.choice(choice as ChunkChoice);
    const { trace, cache } = this.plan;
    this.close({ ...replayMeta(trace, cache, hit), cache: cache.status });
  }

  end(done: Done): void {
    const { cost_usd, model, contract } = servedMeta(this.plan.trace, done);
    this.close({ request_id: this.plan.trace.requestId, cost_usd, model, cache: this.cache ?? this.plan.cache.status, ...(contract ? { contract } : {}) });
  }

  private choice(c: ChunkChoice): void {
    const d = c.delta;
    const reasoning = typeof d.reasoning_content === 'string' ? d.reasoning_content : typeof d.reasoning === 'string' ? d.reasoning : '';
    if (reasoning) this.delta('reasoning', reasoning);
    if (d.content) this.delta('text', d.content);
    if (d.refusal) this.delta('text', d.refusal);
    for (const t of d.tool_calls ?? []) this.toolDelta(t.index, t.id, t.function?.name, t.function?.arguments);
    if (c.finish_reason) this.finishReason = c.finish_reason;
  }

  private delta(kind: 'text' | 'reasoning', delta: string): void {
    if (this.open?.kind !== kind) {
      this.closePart();
      this.open = { kind, id: `${kind === 'text' ? 'txt' : 'rsn'}_${this.parts++}` };
      this.write({ type: `${kind}-start`, id: this.open.id });
    }
    this.write({ type: `${kind}-delta`, id: this.open.id, delta });
  }

  private toolDelta(index: number, id: string | undefined, name: string | undefined, args: string | undefined): void {
    let tool = this.tools.get(index);
    if (!tool) {
      this.closePart();
      tool = { toolCallId: id ?? `call_${index}`, toolName: name ?? 'unknown', input: '' };
      this.tools.set(index, tool);
      this.write({ type: 'tool-input-start', toolCallId: tool.toolCallId, toolName: tool.toolName });
    }
    if (args) {
      tool.input += args;
      this.write({ type: 'tool-input-delta', toolCallId: tool.toolCallId, inputTextDelta: args });
    }
  }

  private closePart(): void {
    if (!this.open) return;
    this.write({ type: `${this.open.kind}-end`, id: this.open.id });
    this.open = undefined;
  }

  /** Closes the message: open parts, the tool inputs, the gateway's figures, the finish. */
  private close(meta: Record<string, unknown>): void {
    this.closePart();
    for (const t of this.tools.values()) {
      const input = parseJson(t.input);
      if (input.ok) this.write({ type: 'tool-input-available', toolCallId: t.toolCallId, toolName: t.toolName, input: input.value });
      else this.write({ type: 'tool-input-error', toolCallId: t.toolCallId, toolName: t.toolName, input: t.input, errorText: 'The model sent arguments that are not JSON.' });
    }
    const { trace, resolved } = this.plan;
    this.write({
      type: 'message-metadata',
      messageMetadata: { trace_id: trace.context.traceId, tier: resolved.tier, degraded: this.degraded, ...meta },
    });
    this.write({ type: 'finish', finishReason: FINISH[this.finishReason ?? 'stop'] ?? 'other' });
    this.out.flush();
  }

  private write(part: Record<string, unknown>): void {
    this.out.data(JSON.stringify(part));
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text || '{}') };
  } catch {
    return { ok: false };
  }
}
