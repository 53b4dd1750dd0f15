import type { MiddlewareHandler } from 'hono';
import { Admission, rateLimitHeaders } from '../ratelimit/admission';
import { worstCaseUsd } from '../ratelimit/worst-case';
import { promptTokens } from '../telemetry/tokens';
import type { AppEnv } from './context';

/**
 * Edge limits per tenant × priority lane, per tenant × tool, and tokens per minute: admitted or
 * refused (429 with Retry-After, 503 when shed or failing closed) before any upstream work. The
 * token reservation is settled against real usage once the response has finished, off the
 * response path. RateLimit-* headers describe the lane's bucket.
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const { catalog, tenant, chat, trace, end: requestEnd, state } = c.var;
    const { config } = catalog;
    const end = trace.span('ratelimit');
    const lane = chat.gateway?.priority ?? 'interactive';
    trace.set('lane', lane);
    const release = lane === 'batch' ? state.limits.takeBatchSlot(config) : () => {};
    let admitted;
    try {
      const prompt = promptTokens(chat.messages);
      const admission = new Admission(config, state.limits.local, state.limits.globalLimiter(c.env, config), trace, state.limits.spendLedgers(c.env, config));
      admitted = await admission.admit({
        tenant,
        lane,
        tools: chat.gateway?.tools?.map((t) => t.name) ?? [],
        reserveTokens: prompt + (chat.max_completion_tokens ?? chat.max_tokens ?? config.rateLimit.defaultMaxTokens),
        reserveUsd: tenant.limits?.usdPerDay !== undefined ? worstCaseUsd(catalog, tenant, chat, prompt) : undefined,
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
