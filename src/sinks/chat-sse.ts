import { replayChunks, type CachedAnswer } from '../cache/answer';
import type { CacheStatus } from '../cache/flow';
import type { FanoutResult } from '../fanout/fanout';
import type { PromptMeta } from '../prompts/prepare';
import type { SseWriter } from '../stream/early-sse';
import { Reframer } from '../stream/reframe';
import type { ChatChunk } from '../stream/types';
import type { AnswerPlan } from '../answer/plan';
import { fanoutMeta, replayMeta, servedMeta, type AnswerSink, type Done } from '../answer/sink';

/**
 * The answer as Chat Completions SSE: provider chunks re-framed as they come; gateway metadata on
 * empty-delta chunks (sources as soon as retrieval settles, the cache outcome, degraded stages and
 * the prompt); the usage chunk with the cost when the client asked for `include_usage`.
 */
export class ChatSseSink implements AnswerSink {
  readonly assembles = false;
  readonly live = true;
  readonly reframer: Reframer;

  constructor(
    private readonly out: SseWriter,
    private readonly plan: AnswerPlan,
  ) {
    this.reframer = new Reframer(plan.ids.id, plan.ids.created, plan.ids.model);
  }

  /** The early first chunk: each choice's role, and the ids to find this request by. */
  static head(plan: AnswerPlan): string {
    const { trace, chat, ids } = plan;
    return new Reframer(ids.id, ids.created, ids.model).head({ request_id: trace.requestId, trace_id: trace.context.traceId }, chat.n ?? 1);
  }

  sources(fanout: FanoutResult): void {
    this.meta(fanoutMeta(fanout));
  }

  cacheStatus(status: CacheStatus): void {
    this.meta({ cache: status });
  }

  prompt(fanout: FanoutResult | undefined, prompt: PromptMeta | undefined): void {
    if (fanout || prompt) this.meta({ degraded: fanout?.degraded ?? [], prompt });
  }

  chunk(chunk: ChatChunk): void {
    const json = this.reframer.chunk(chunk);
    if (json) this.out.data(json);
  }

  flush(): void {
    this.out.flush();
  }

  /** A cached answer in the same shape as a live stream: deltas, finish, usage when asked for. */
  replay(hit: CachedAnswer, fanout: FanoutResult | undefined): void {
    for (const choice of replayChunks(hit)) this.chunk({ ...hit.extra, choices: [choice] });
    if (this.wantsUsage() && hit.usage) {
      const { trace, cache } = this.plan;
      this.out.data(this.reframer.usage(hit.usage, { ...replayMeta(trace, cache, hit), degraded: fanout?.degraded ?? [] }));
    }
    this.out.flush();
  }

  end(done: Done): void {
    // The contract's verdict on what was streamed; a repair comes with the repaired JSON to use.
    if (done.contract) {
      const message = ((done.assembled?.choices as Array<{ message: { content?: unknown } }>) ?? [])[0]?.message;
      const repaired = done.contract.outcome === 'repaired' && this.plan.chat.gateway?.contract !== 'buffer' ? { content: message?.content } : {};
      this.meta({ contract: { ...done.contract, ...repaired } });
    }
    if (!this.wantsUsage()) return;
    const meta = { ...servedMeta(this.plan.trace, done), degraded: done.fanout?.degraded ?? [] };
    this.out.data(this.reframer.usage(this.plan.trace.usage!, meta));
  }

  private wantsUsage(): boolean {
    return !!this.plan.chat.stream_options?.include_usage;
  }

  /** Metadata rides on a standard chunk with an empty delta (design §2), sent at once. */
  private meta(gateway: Record<string, unknown>): void {
    this.out.data(this.reframer.meta(gateway));
    this.out.flush();
  }
}
