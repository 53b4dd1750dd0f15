import type { Context } from 'hono';
import { taskId } from '../chat-request';
import { GatewayError, statsUnavailable } from '../errors';
import type { AppEnv } from '../pipeline/context';
import { shipNow } from '../pipeline/stats';
import { readJsonBody } from '../pipeline/validate';
import { Admission } from '../ratelimit/admission';
import { statsObject } from '../stats/client';
import type { FeedbackResult } from '../stats/tasks';
import { withTimeout } from '../util/deadlines';
import * as z from '../util/zod';

export const feedbackSchema = z.strictObject({
  request_id: z.string().check(z.regex(/^req_[0-9a-f]{24}$/, 'must be a request id the gateway returned (req_…)')),
  success: z.boolean(),
  task_id: z.optional(taskId),
  reason: z.optional(z.string().check(z.maxLength(1000))),
});

const notFound = () => new GatewayError('No request with this id for your key (unknown, another tenant\'s, or older than a day).', { status: 404, code: 'request_not_found', param: 'request_id' });

/**
 * POST /v1/feedback `{request_id, success, task_id?, reason?}` → 204: marks the task of one of
 * the tenant's own requests successful or failed; cost per successful task (in /admin/stats) is
 * computed from these verdicts. A task marked failed loses its cached answers, so the next
 * identical request is answered afresh rather than replayed.
 */
export async function feedback(c: Context<AppEnv>): Promise<Response> {
  const { catalog, tenant, trace, state } = c.var;
  const body = await readJsonBody(c, feedbackSchema, 64 * 1024);
  const stats = statsObject(c.env);
  if (!stats) throw statsUnavailable(new Error('no GATEWAY_STATS binding'));
  const { stats: settings } = catalog.config;
  const ask = (): Promise<FeedbackResult> =>
    withTimeout(stats.feedback({ tenant: tenant.id, requestId: body.request_id, success: body.success, task: body.task_id, reason: body.reason }) as Promise<FeedbackResult>, 2000).catch((err: unknown) => {
      throw statsUnavailable(err);
    });
  // Feedback draws from the tenant's interactive bucket like a request: it cannot flood the stats object.
  await new Admission(catalog.config, state.limits.local, state.limits.globalLimiter(c.env, catalog.config), trace).admit({ tenant, lane: 'interactive', tools: [], reserveTokens: 0 });
  let result: FeedbackResult = await ask();
  if (result.status === 404) {
    // The request may still sit in this isolate's (or, for one shipment interval, another's) figures.
    await shipNow(c);
    await new Promise((resolve) => setTimeout(resolve, settings.flushMs + 500));
    result = await ask();
  }
  if (result.status === 404) throw notFound();
  if (result.status === 409) {
    throw new GatewayError(`This request belongs to task "${result.task}", not the task_id given.`, { status: 409, code: 'task_mismatch', param: 'task_id' });
  }
  trace.set('feedback', body.success ? 'success' : 'failure');
  if (result.cacheKeys.length) {
    const cache = state.cache.layers(c.env, catalog.config);
    c.executionCtx.waitUntil(Promise.all(result.cacheKeys.map((k) => cache.delete(k))));
    trace.set('cache_evicted', result.cacheKeys.length);
  }
  return c.body(null, 204);
}
