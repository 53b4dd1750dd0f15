import type { Context } from 'hono';
import type { ChatRequest } from '../chat-request';
import { providerBody } from '../chat-request';
import { errorBody, logInternalError, toGatewayError } from '../errors';
import type { AppEnv } from '../pipeline/context';
import { runCompletion, type CompletionCall } from '../providers/complete';
import { pickEndpoint } from '../routing/endpoint';
import { resolveModel, type ResolvedModel } from '../routing/resolve-model';
import { CompletionAssembler } from '../stream/assemble';
import { earlySse } from '../stream/early-sse';
import { Reframer } from '../stream/reframe';
import { costUsd } from '../telemetry/cost';
import type { Trace } from '../telemetry/trace';

/** POST /v1/chat/completions: route, call the provider, answer as one JSON or as SSE from the first ms. */
export async function chatCompletions(c: Context<AppEnv>): Promise<Response> {
  const { catalog, tenant, chat, trace } = c.var;
  const resolved = resolveModel(catalog, tenant, chat.model);
  const target = pickEndpoint(resolved.model, c.env as unknown as Record<string, unknown>);
  trace.set('model', resolved.model.id);
  trace.set('tier', resolved.tier);
  trace.set('route_reason', resolved.reason);
  trace.set('stream', !!chat.stream);
  const headers = {
    'x-gateway-model': resolved.model.id,
    'x-gateway-tier': resolved.tier,
    'x-gateway-endpoint': target.endpointId,
  };
  const call: Omit<CompletionCall, 'signal'> = { target, body: providerBody(chat), budgets: catalog.config.budgets, trace };
  const reframer = new Reframer(`chatcmpl-${trace.requestId.slice(4)}`, Math.floor(Date.now() / 1000), resolved.model.id);
  if (chat.stream) return streamAnswer(c, chat, call, reframer, resolved, headers);

  const assembler = new CompletionAssembler();
  await runCompletion({ ...call, signal: c.req.raw.signal }, { chunk: (chunk) => assembler.add(chunk), bulk: true });
  const body = assembler.result(reframer.id, reframer.created, reframer.model);
  const cost = assembler.usage ? costUsd(assembler.usage, resolved.model) : undefined;
  trace.set('cost_usd', cost);
  return c.json(body, 200, cost === undefined ? headers : { ...headers, 'x-gateway-cost-usd': String(cost) });
}

function streamAnswer(
  c: Context<AppEnv>,
  chat: ChatRequest,
  call: Omit<CompletionCall, 'signal'>,
  reframer: Reframer,
  resolved: ResolvedModel,
  headers: Record<string, string>,
): Response {
  const trace = call.trace;
  const { response, done } = earlySse({
    headers,
    head: reframer.head({ request_id: trace.requestId, trace_id: trace.context.traceId }),
    heartbeatMs: call.budgets.heartbeatMs,
    errorEvent: (err) => streamError(trace, err),
    async run(out, clientGone) {
      const signal = AbortSignal.any([clientGone, c.req.raw.signal]);
      await runCompletion({ ...call, signal }, {
        chunk: (chunk) => {
          const json = reframer.chunk(chunk);
          if (json) out.data(json);
        },
        flush: () => out.flush(),
      });
      const usage = trace.usage;
      if (!usage) return;
      const cost = costUsd(usage, resolved.model);
      trace.set('cost_usd', cost);
      if (chat.stream_options?.include_usage) out.data(reframer.usage(usage, { request_id: trace.requestId, cost_usd: cost }));
    },
  });
  trace.finished = done.then((outcome) => trace.set('outcome', outcome));
  c.executionCtx.waitUntil(trace.finished);
  return response;
}

/** The final `data: {"error": …}` event of a stream whose headers were already sent. */
function streamError(trace: Trace, err: unknown): string {
  const e = toGatewayError(err);
  trace.errorCode = e.code;
  if (e.code === 'internal_error') logInternalError(trace.requestId, e.cause);
  const body = errorBody(e, trace.requestId);
  return JSON.stringify({ error: { ...body.error, status: e.status } });
}
