import { replayJson, type CachedAnswer } from '../cache/answer';
import type { CacheStatus } from '../cache/flow';
import type { FanoutResult } from '../fanout/fanout';
import type { AnswerPlan } from '../answer/plan';
import { fanoutMeta, replayMeta, servedMeta, type AnswerSink, type Done } from '../answer/sink';

/** The answer as one `chat.completion` JSON body, built once the answer is complete. */
export class JsonSink implements AnswerSink {
  readonly assembles = true;
  readonly live = false;
  body?: Record<string, unknown>;

  constructor(
    private readonly plan: AnswerPlan,
    readonly headers: Record<string, string>,
  ) {}

  sources(): void {}
  prompt(): void {}
  chunk(): void {}
  flush(): void {}

  cacheStatus(status: CacheStatus): void {
    this.headers['x-gateway-cache'] = status;
  }

  replay(hit: CachedAnswer, fanout: FanoutResult | undefined): void {
    this.degraded(fanout);
    const { trace, cache, ids } = this.plan;
    this.body = { ...replayJson(hit, ids.id, ids.created), gateway: { ...replayMeta(trace, cache, hit), ...fanoutMeta(fanout) } };
    if (cache.costUsd) this.headers['x-gateway-cost-usd'] = String(cache.costUsd);
  }

  end(done: Done): void {
    this.degraded(done.fanout);
    const meta = { ...servedMeta(this.plan.trace, done), ...fanoutMeta(done.fanout), prompt: done.prompt };
    Object.assign(this.headers, { 'x-gateway-model': done.served.model.id, 'x-gateway-endpoint': done.served.endpoint.id, 'x-gateway-cost-usd': String(done.cost) });
    this.body = { ...done.assembled, gateway: meta };
  }

  private degraded(fanout: FanoutResult | undefined): void {
    if (fanout?.degraded.length) this.headers['x-gateway-degraded'] = fanout.degraded.join(',');
  }
}
