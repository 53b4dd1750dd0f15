import type { Context } from 'hono';
import { runFanout } from '../fanout/fanout';
import type { AnswerDeps } from '../answer/answer';
import type { AnswerPlan } from '../answer/plan';
import type { AppEnv } from '../pipeline/context';
import { completeWithFailover } from '../providers/failover';

/** The answer path's outside world for this request: the origin and the provider, with this isolate's state. */
export function answerDeps(c: Context<AppEnv>, plan: AnswerPlan): AnswerDeps {
  const { catalog, tenant, trace, state } = c.var;
  const { config } = catalog;
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  return {
    fanout: (fanout, signal, onRetrieval) =>
      runFanout(
        fanout,
        {
          originUrl: config.origin!.baseUrl,
          tenantId: tenant.id,
          logContent: tenant.logContent,
          budgets: config.budgets,
          retrieval: config.retrieval,
          tools: config.tools,
          trace,
          signal,
          retrievalCache: config.cache.retrievalTtlSeconds > 0 && tenant.cache ? { cache: state.cache.retrievalLayers(c.env, config), waitUntil } : undefined,
          indexVersion: tenant.retrieval?.indexVersion,
          shadow: tenant.retrieval?.shadow && { ...tenant.retrieval.shadow, record: (r) => state.stats.recordShadow(tenant.id, r) },
          background: waitUntil,
        },
        onRetrieval,
      ),
    reask: () => state.resilience.for(config).budget.tryRetry(),
    provider: (body, signal, sink, model) =>
      completeWithFailover({
        catalog,
        primary: model ?? plan.resolved.model,
        state: state.resilience.for(config),
        env: c.env as unknown as Record<string, unknown>,
        call: { budgets: config.budgets, trace, signal },
        body,
        sink,
      }),
  };
}
