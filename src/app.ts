import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorBody, logInternalError, routeNotFound, toGatewayError } from './errors';
import { adminAuth } from './pipeline/admin-auth';
import { authenticate } from './pipeline/auth';
import { corsFromConfig } from './pipeline/cors';
import { requireConfig } from './pipeline/config';
import type { AppEnv } from './pipeline/context';
import { traceRequests } from './pipeline/trace';
import { idempotency } from './pipeline/idempotency';
import { embeddingsDemand, rateLimit } from './pipeline/rate-limit';
import { validateChatRequest, validateEmbeddingsRequest, validateUiChatRequest } from './pipeline/validate';
import { embeddings } from './routes/embeddings';
import { chatCompletions } from './routes/chat-completions';
import { uiChat } from './routes/ui-chat';
import { feedback } from './routes/feedback';
import { adminHealth, health } from './routes/health';
import { listModels } from './routes/models';
import { adminStats } from './routes/stats';
import { decideCanary } from './routes/canaries';
import { createIsolateState, type IsolateState } from './state';

/**
 * The request's path, written once: trace → config → auth → validate → rate limit →
 * idempotency → route (which consults the cache, opens the stream, fans out to the origin, calls
 * the provider).
 */
export function createApp({ state = createIsolateState(), log }: { state?: IsolateState; log?: (line: string) => void } = {}) {
  const app = new Hono<AppEnv>();

  app.use('*', async function isolateState(c, next) {
    c.set('state', state);
    await next();
  });
  app.use('*', traceRequests({ log }));
  app.get('/healthz', health);
  // The dashboard is the static asset admin.html, served at /admin; /admin/ reaches the worker
  // (wrangler.toml run_worker_first), which sends the browser there instead of asking for a token.
  app.get('/admin/', (c) => c.redirect('/admin', 308));
  app.use('/admin/*', adminAuth());
  app.get('/admin/health', adminHealth);
  app.get('/admin/stats', adminStats);
  app.post('/admin/canaries/:id/:action{promote|rollback}', decideCanary);
  app.use('/v1/*', corsFromConfig(), requireConfig(), authenticate());
  app.get('/v1/models', listModels);
  app.post('/v1/chat/completions', validateChatRequest(), rateLimit(), idempotency(), chatCompletions);
  app.post('/v1/chat', validateUiChatRequest(), rateLimit(), idempotency(), uiChat);
  // Embeddings are deterministic and cached: a retried request is answered again (no Idempotency-Key records).
  app.post('/v1/embeddings', validateEmbeddingsRequest(), rateLimit({ demand: embeddingsDemand }), embeddings);
  app.post('/v1/feedback', feedback);

  app.notFound((c) => errorResponse(c, routeNotFound(c.req.method, c.req.path)));
  app.onError((err, c) => errorResponse(c, err));
  return app;
}

/** The one place an error becomes a response: OpenAI-style body, real status, Retry-After. */
function errorResponse(c: Context<AppEnv>, err: unknown): Response {
  const e = toGatewayError(err);
  const trace = c.get('trace');
  trace.errorCode = e.code;
  if (e.code === 'internal_error') logInternalError(trace.requestId, e.cause);
  const headers: Record<string, string> = { ...e.headers };
  if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
  return c.json(errorBody(e, trace.requestId), e.status as ContentfulStatusCode, headers);
}
