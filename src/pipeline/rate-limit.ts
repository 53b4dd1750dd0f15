import type { Context, MiddlewareHandler } from 'hono';
import { inputTokens, resolveEmbeddingModel } from '../embeddings/request';
import { Admission, rateLimitHeaders } from '../ratelimit/admission';
import { worstCaseUsd } from '../ratelimit/worst-case';
import { promptTokens } from '../telemetry/tokens';
import type { AppEnv } from './context';

/** What a request asks of the limits: its lane, its tools, the tokens to reserve, its worst-case spend. */
export interface Demand {
  lane: 'interactive' | 'batch';
  tools: string[];
  reserveTokens: number;
  /** Only asked when the tenant has a `usdPerDay` limit. */
  worstCaseUsd(): number;
}

/** A chat request (/v1/chat/completions, /v1/chat): the prompt estimate plus its output limit. */
export function chatDemand(c: Context<AppEnv>): Demand {
  const { catalog, tenant, chat } = c.var;
  const prompt = promptTokens(chat.messages);
  return {
    lane: chat.gateway?.priority ?? 'interactive',
    tools: chat.gateway?.tools?.map((t) => t.name) ?? [],
    reserveTokens: prompt + (chat.max_completion_tokens ?? chat.max_tokens ?? catalog.config.rateLimit.defaultMaxTokens),
    worstCaseUsd: () => worstCaseUsd(catalog, tenant, chat, prompt),
  };
}

/** An embeddings request: its input tokens (nothing is written back), at the model's input price. */
export function embeddingsDemand(c: Context<AppEnv>): Demand {
  const { catalog, tenant, embeddings } = c.var;
  const tokens = inputTokens(embeddings);
  return {
    lane: 'interactive',
    tools: [],
    reserveTokens: tokens,
    worstCaseUsd: () => {
      const model = resolveEmbeddingModel(catalog, tenant, embeddings);
      return (tokens * Math.max(model.inputPer1M, ...model.endpoints.map((e) => e.prices?.inputPer1M ?? 0))) / 1e6;
    },
  };
}

/**
 * Edge limits per tenant × priority lane, per tenant × tool, and tokens per minute: admitted or
 * refused (429 with Retry-After, 503 when shed or failing closed) before any upstream work. The
 * token reservation is settled against real usage once the response has finished, off the
 * response path. RateLimit-* headers describe the lane's bucket. `demand` reads what the
 * request asks of the limits from what the validate stage checked.
 */
export function rateLimit({ demand = chatDemand }: { demand?: (c: Context<AppEnv>) => Demand } = {}): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const { catalog, tenant, trace, end: requestEnd, state } = c.var;
    const { config } = catalog;
    const end = trace.span('ratelimit');
    let asked: Demand;
    try {
      asked = demand(c);
    } catch (err) {
      end();
      throw err;
    }
    const { lane } = asked;
    trace.set('lane', lane);
    const release = lane === 'batch' ? state.limits.takeBatchSlot(config) : () => {};
    let admitted;
    try {
      const admission = new Admission(config, state.limits.local, state.limits.globalLimiter(c.env, config), trace, state.limits.spendLedgers(c.env, config));
      admitted = await admission.admit({
        tenant,
        lane,
        tools: asked.tools,
        reserveTokens: asked.reserveTokens,
        reserveUsd: tenant.limits?.usdPerDay !== undefined ? asked.worstCaseUsd() : undefined,
      });
    } catch (err) {
      release();
      throw err;
    } finally {
      end();
    }
    try {
      await next();
    } finally {
      if (admitted.lane) for (const [k, v] of Object.entries(rateLimitHeaders(admitted.lane.spec, admitted.lane.result))) c.res.headers.set(k, v);
      for (const [k, v] of Object.entries(admitted.spend ?? {})) c.res.headers.set(k, v);
      const settled = requestEnd.promise.then(() => {
        release();
        const cost = trace.fields.cost_usd;
        return admitted.settle((trace.usage?.prompt_tokens ?? 0) + (trace.usage?.completion_tokens ?? 0), typeof cost === 'number' ? cost : 0);
      });
      c.executionCtx.waitUntil(settled.catch(() => {}));
    }
  };
}
