import { z } from 'zod';
import { canarySchema, promptRef } from './canary/config';
import { PROMPT_TEMPLATES } from './prompts/templates';

/**
 * The gateway's configuration: one JSON document (design §4), validated here at the boundary and
 * passed around as typed values. Field names in this schema are the public contract.
 */

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase SHA-256 hex digest');

const bucket = z.object({
  capacity: z.number().positive(),
  refillPerSecond: z.number().nonnegative(),
});

const tenant = z.object({
  id: z.string().min(1),
  apiKeyHashes: z.array(sha256Hex).min(1),
  limits: z
    .object({
      interactive: bucket.optional(),
      batch: bucket.optional(),
      tokensPerMinute: z.number().int().positive().optional(),
      tools: z.record(z.string(), bucket).optional(),
      /** Spend limit per UTC day: worst case reserved at admission, settled to the real cost. */
      usdPerDay: z.number().positive().optional(),
    })
    .optional(),
  /** Model ids or tier aliases the tenant may use; `"*"` allows all. @default ["*"] */
  allowedModels: z.array(z.string().min(1)).default(['*']),
  /** Cache this tenant's reproducible answers (see the cache policy). @default true */
  cache: z.boolean().default(true),
  /**
   * Put request content (the retrieval query — by default the user's last message — and filters)
   * in this tenant's log lines. Off, only the query's length and a short hash are logged. @default false
   */
  logContent: z.boolean().default(false),
  /** The most expensive tier `model: "auto"` may pick for this tenant. @default "large" */
  maxTier: z.enum(['small', 'large']).default('large'),
  /**
   * This tenant's index at the origin: the live `indexVersion` sent with every retrieval, and an
   * optional shadow version that a `sample` share of retrievals is also sent to, off the
   * response's path, to compare (overlap@k, score drift). Flipping a tenant is a config change.
   */
  retrieval: z
    .object({
      indexVersion: z.string().min(1).max(128).optional(),
      shadow: z.object({ indexVersion: z.string().min(1).max(128), sample: z.number().min(0).max(1) }).optional(),
    })
    .optional(),
  /**
   * The semantic cache tier (a fourth layer after the exact ones miss): the prompt is embedded with
   * `embeddingModel` and its nearest earlier prompt of this tenant answers when it is at least
   * `threshold` similar and passes the guards (docs/design-notes.md, "Semantic cache"). Off unless enabled.
   */
  semanticCache: z
    .object({
      /** @default false */
      enabled: z.boolean().default(false),
      /** Least cosine similarity of a hit. @default 0.92 */
      threshold: z.number().gt(0).max(1).default(0.92),
      /** A catalog model of kind `embedding`; required when enabled. */
      embeddingModel: z.string().min(1).optional(),
      /** Where the tenant's vectors live: the GATEWAY_VECTORS Durable Object, or the GATEWAY_VECTORIZE index (large tenants). @default "durable-object" */
      index: z.enum(['durable-object', 'vectorize']).default('durable-object'),
      /** The whole lookup (embedding, index query, answer read): slower is a miss. @default 150 */
      deadlineMs: z.number().int().positive().default(150),
    })
    .optional(),
});

const price = z.number().nonnegative();
/** USD per million tokens; the special ones fall back to the input or output price when absent. */
const priceFields = {
  /** Input read from the provider's prompt cache. @default inputPer1M */
  cachedInputPer1M: price.optional(),
  /** Input written to the provider's prompt cache, where it bills that apart. @default inputPer1M */
  cacheWritePer1M: price.optional(),
  /** Reasoning tokens, where they are priced apart from output. @default outputPer1M */
  reasoningPer1M: price.optional(),
};

const endpoint = z.object({
  id: z.string().min(1),
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Name of the env binding (secret) that holds this endpoint's API key; none for keyless upstreams. */
  apiKeyEnv: z.string().min(1).optional(),
  weight: z.number().positive().default(1),
  /** Prices billed through this endpoint, where they differ from the model's (another provider, a discount). */
  prices: z.object({ inputPer1M: price.optional(), outputPer1M: price.optional(), ...priceFields }).optional(),
  /** `gen_ai.provider.name` on this endpoint's trace spans (OpenTelemetry's names: "openai", "azure.ai.openai", "groq", …). @default "openai" */
  provider: z.string().min(1).optional(),
});

const model = z.object({
  id: z.string().min(1),
  /** `chat` models answer /v1/chat/completions and /v1/chat; `embedding` models answer /v1/embeddings. @default "chat" */
  kind: z.enum(['chat', 'embedding']).default('chat'),
  tier: z.enum(['small', 'large']),
  /** The model name the provider expects, when it differs from `id`. @default id */
  upstreamModel: z.string().min(1).optional(),
  inputPer1M: price,
  outputPer1M: price,
  ...priceFields,
  contextWindow: z.number().int().positive(),
  /** The most completion tokens the model writes in one answer; requests asking more are refused or clamped. */
  maxOutputTokens: z.number().int().positive().optional(),
  endpoints: z.array(endpoint).min(1),
  /** A cheaper model to fall back to when every endpoint of this one fails before the answer starts. */
  fallback: z.string().min(1).optional(),
  /** Extra system instructions for the fallback's answer. */
  fallbackInstructions: z
    .string()
    .default('You are answering as a fallback while the primary model is unavailable. Be brief and precise, and say so when you are unsure.'),
});

const ms = z.number().int().positive();

const budgets = z.object({
  retrievalMs: ms.default(250),
  rerankMs: ms.default(150),
  toolsMs: ms.default(400),
  /** From the start of each provider attempt to its first token. */
  firstTokenMs: ms.default(1200),
  /** Longest silence allowed between two upstream events once the stream has started. */
  idleMs: ms.default(10_000),
  /** The whole request, end to end. */
  totalMs: ms.default(30_000),
  /** Reading the client's request body. */
  requestBodyMs: ms.default(5_000),
  /** SSE comment heartbeat interval while the stream is quiet. */
  heartbeatMs: ms.default(5_000),
});

const cache = z.object({
  memoryTtlSeconds: z.number().int().nonnegative().default(30),
  redisTtlSeconds: z.number().int().nonnegative().default(600),
  kvTtlSeconds: z.number().int().min(60).default(3600),
  /** Retrieval results (memory and Redis), by tenant + normalized query + filters. 0 turns it off. @default 60 */
  retrievalTtlSeconds: z.number().int().nonnegative().default(60),
});

const retrieval = z.object({
  /** Chunks asked of the origin when the request does not say. @default 5 */
  topK: z.number().int().min(1).max(100).default(5),
  /** Token budget the retrieved context is packed into when the request does not say. @default 1500 */
  maxContextTokens: z.number().int().positive().default(1500),
  /** Rerank retrieved chunks at the origin (`/rerank`, under `budgets.rerankMs`). @default false */
  rerank: z.boolean().default(false),
  /** Fail the request (504/502) when retrieval fails, instead of answering without context. @default false */
  required: z.boolean().default(false),
});

const tools = z.object({
  /** Tools whose failure fails the request (504/502) instead of being marked unavailable. @default [] */
  required: z.array(z.string()).default([]),
});

const routing = z.object({
  /** `auto`: inputs over this many estimated tokens that ask for synthesis go large. @default 2000 */
  largePromptTokens: z.number().int().positive().default(2000),
  /** `auto`: conversations with more user turns go large. @default 20 */
  largeConversationTurns: z.number().int().positive().default(20),
  /**
   * `auto`'s decider: `learned` (the shipped model, src/routing/router-weights.json, with the
   * keyword rules as the explanation) or `rules` (the keyword rules alone). @default "learned"
   */
  router: z.enum(['learned', 'rules']).default('learned'),
  /**
   * Cascade: a non-stream (or `gateway.contract: "buffer"`) request that `auto` sent small with
   * P(large) at or above `cascadeMinPLarge` is escalated once to the large tier when the small
   * answer fails (contract invalid after repair, empty, a refusal, cut by length). @default false
   */
  cascade: z.boolean().default(false),
  /** The low-confidence band's floor for the cascade (below it, small answers are trusted). @default 0.1 */
  cascadeMinPLarge: z.number().min(0).max(1).default(0.1),
  /** Caps on max_tokens per tier (applied to what is sent upstream). */
  maxTokens: z.object({ small: z.number().int().positive().optional(), large: z.number().int().positive().optional() }).prefault({}),
});

const resilience = z.object({
  /**
   * Longest pause a provider's `Retry-After` can impose: on the endpoint (it takes no requests
   * meanwhile) and in the `Retry-After` passed on to clients. @default 60
   */
  maxRetryAfterSeconds: z.number().int().positive().default(60),
  breaker: z
    .object({
      consecutiveFailures: z.number().int().positive().default(5),
      failureRate: z.number().gt(0).max(1).default(0.5),
      window: z.number().int().positive().default(20),
      minRequests: z.number().int().positive().default(10),
      cooldownMs: ms.default(5000),
      maxCooldownMs: ms.default(60_000),
    })
    .prefault({}),
  retry: z
    .object({
      /** Retries as a share of recent requests. @default 0.1 */
      ratio: z.number().min(0).max(1).default(0.1),
      minPerWindow: z.number().int().nonnegative().default(3),
      windowMs: ms.default(10_000),
      /** Upstream attempts per request at most, fallbacks included. @default 3 */
      maxAttempts: z.number().int().min(1).max(6).default(3),
      backoffBaseMs: ms.default(100),
      backoffMaxMs: ms.default(2000),
    })
    .prefault({}),
});

const rateLimit = z.object({
  /** How long a global (Redis) limit check may take before the lane's failure policy applies. @default 100 */
  redisTimeoutMs: ms.default(100),
  /** Per lane: on Redis trouble, admit on the local bucket's word (true) or refuse with 503 (false). */
  failOpen: z
    .object({ interactive: z.boolean().default(true), batch: z.boolean().default(false), tools: z.boolean().default(false) })
    .prefault({}),
  /** Batch requests in flight per isolate; more are shed (503 + Retry-After) so interactive latency holds. @default 8 */
  batchConcurrency: z.number().int().positive().default(8),
  /** Completion tokens reserved against tokensPerMinute when a request sets no max_tokens. @default 1024 */
  defaultMaxTokens: z.number().int().positive().default(1024),
});

/** The windows the stats answer over (`GET /admin/stats?window=`). */
export const STATS_WINDOWS = ['1m', '15m', '1h'] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

const SLO_SETTINGS = ['alarmWebhook', 'alarmWindow', 'alarmMinRequests'] as const;

/**
 * p95 budgets in ms per stage (span names: `retrieval`, `rerank`, `cache`, `upstream_headers`,
 * `tool:<name>`, …, plus `provider_ttft` — an attempt's start to its first token — and `total`),
 * next to the alarm's settings. `GET /admin/stats` marks each stage against its budget; a stage
 * whose p95 over `alarmWindow` is over budget POSTs to `alarmWebhook`, at most once per window.
 */
const slo = z
  .object({
    /** Where a breach is POSTed: `{alarm: "slo_breach", stage, p95_ms, slo_ms, window, at}`. */
    alarmWebhook: z.url({ protocol: /^https?$/ }).optional(),
    /** The window a breach is judged over, and the least time between two alarms of a stage. @default "1m" */
    alarmWindow: z.enum(STATS_WINDOWS).default('1m'),
    /** Fewer requests than this in the window never alarm (one slow request is not a breach). @default 5 */
    alarmMinRequests: z.number().int().positive().default(5),
  })
  .catchall(ms);

/** Per-stage p95 budgets of an `slo` config (its numeric entries). */
export function sloBudgets(s: Config['slo']): Record<string, number> {
  return Object.fromEntries(
    Object.entries(s).filter(([k, v]) => !(SLO_SETTINGS as readonly string[]).includes(k) && typeof v === 'number'),
  ) as Record<string, number>;
}

const stats = z.object({
  /** Ship this isolate's figures to the GATEWAY_STATS Durable Object at most this often. @default 2000 */
  flushMs: ms.default(2000),
  /** A shipment that takes longer is dropped (and counted). @default 1000 */
  timeoutMs: ms.default(1000),
  /** An isolate re-reads the canaries' state (rolled back, promoted) from the object at most this often. @default 5000 */
  canaryRefreshMs: ms.default(5000),
});

/**
 * An embedding model needs no tier, output price or context window (design §4 lists it with its
 * input price alone): they are filled in so every model has one shape. Its tier never routes
 * (aliases and `auto` pick chat models only).
 */
const catalogModel = z.preprocess((raw) => {
  if (typeof raw !== 'object' || raw === null || (raw as Record<string, unknown>).kind !== 'embedding') return raw;
  return { tier: 'small', outputPer1M: 0, contextWindow: 8192, ...raw };
}, model);

export const configSchema = z
  .object({
    tenants: z.array(tenant).min(1),
    models: z.array(catalogModel).min(1),
    origin: z.object({ baseUrl: z.url({ protocol: /^https?$/ }) }).optional(),
    budgets: budgets.prefault({}),
    cache: cache.prefault({}),
    retrieval: retrieval.prefault({}),
    routing: routing.prefault({}),
    rateLimit: rateLimit.prefault({}),
    resilience: resilience.prefault({}),
    tools: tools.prefault({}),
    slo: slo.prefault({}),
    stats: stats.prefault({}),
    /** Canaries (design §4): a prompt version or a model tried on a share of conversations. @default [] */
    canaries: z.array(canarySchema).default([]),
    /** Browser origins allowed to call the API (`"*"` for any). @default [] (no CORS) */
    cors: z.object({ allowOrigins: z.array(z.string().min(1)).default([]) }).prefault({}),
    /** Largest request body accepted, in bytes. @default 1 MiB */
    maxBodyBytes: z.number().int().positive().default(1024 * 1024),
    /** Most choices (`n`) one request may ask for. @default 128 (OpenAI's bound) */
    maxChoices: z.number().int().min(1).max(128).default(128),
    /**
     * Deepest nesting of objects and arrays a request body may have (a 400 beyond it). Bounds the
     * work of every later encoding of the body (cache key, idempotency fingerprint). @default 64
     */
    maxJsonDepth: z.number().int().min(8).max(1000).default(64),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.models.forEach((m, i) => {
      if (m.id === 'auto' || m.id === 'small' || m.id === 'large') {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `"${m.id}" is reserved for routing` });
      }
      if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate model id "${m.id}"` });
      seen.add(m.id);
    });
    const kinds = new Map(cfg.models.map((m) => [m.id, m.kind]));
    cfg.models.forEach((m, i) => {
      if (m.fallback !== undefined && (!seen.has(m.fallback) || m.fallback === m.id || kinds.get(m.fallback) !== m.kind)) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'fallback'], message: `"${m.fallback}" is not another ${m.kind} model of the catalog` });
      }
    });
    cfg.tenants.forEach((t, i) => {
      const semantic = t.semanticCache;
      if (!semantic) return;
      const path = ['tenants', i, 'semanticCache', 'embeddingModel'];
      if (semantic.embeddingModel === undefined) {
        if (semantic.enabled) ctx.addIssue({ code: 'custom', path, message: 'required when the semantic cache is enabled' });
      } else if (kinds.get(semantic.embeddingModel) !== 'embedding') {
        ctx.addIssue({ code: 'custom', path, message: `"${semantic.embeddingModel}" is not a model of kind "embedding" in the catalog` });
      }
    });
    checkCanaries(cfg.canaries, seen, ctx);
  });

/** Canary ids are unique; `from` and `to` name a template version (prompt) or a catalog model (model), and differ. */
function checkCanaries(canaries: z.infer<typeof canarySchema>[], models: ReadonlySet<string>, ctx: z.RefinementCtx): void {
  const ids = new Set<string>();
  const templates = new Set(PROMPT_TEMPLATES.map((t) => `${t.id}@${t.version}`));
  canaries.forEach((c, i) => {
    if (ids.has(c.id)) ctx.addIssue({ code: 'custom', path: ['canaries', i, 'id'], message: `duplicate canary id "${c.id}"` });
    ids.add(c.id);
    for (const field of ['from', 'to'] as const) {
      const ref = c[field];
      const known = c.kind === 'model' ? models.has(ref) : !!promptRef(ref) && templates.has(ref);
      if (!known) {
        const what = c.kind === 'model' ? 'a model of the catalog' : 'a prompt template as "id@version"';
        ctx.addIssue({ code: 'custom', path: ['canaries', i, field], message: `"${ref}" is not ${what}` });
      }
    }
    if (c.from === c.to) ctx.addIssue({ code: 'custom', path: ['canaries', i, 'to'], message: 'must differ from "from"' });
    const [a, b] = [promptRef(c.from), promptRef(c.to)];
    if (c.kind === 'prompt' && a && b && a.id !== b.id) ctx.addIssue({ code: 'custom', path: ['canaries', i, 'to'], message: `must be a version of "${a.id}"` });
  });
}

export type Config = z.infer<typeof configSchema>;
export type TenantConfig = Config['tenants'][number];
export type SemanticCacheConfig = NonNullable<TenantConfig['semanticCache']>;
export type ModelConfig = Config['models'][number];
export type EndpointConfig = ModelConfig['endpoints'][number];
export type Budgets = Config['budgets'];
export type RetrievalConfig = Config['retrieval'];
export type ToolsConfig = Config['tools'];
export type { CanaryConfig } from './canary/config';

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string };

/** Parses and validates the config text; the error names the path of the first bad field. */
export function parseConfig(text: string | undefined, env: Record<string, unknown> = {}): ConfigResult {
  if (text === undefined || text === '') return { ok: false, error: 'GATEWAY_CONFIG is not set' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `GATEWAY_CONFIG is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `${formatPath(issue.path) || '(root)'}: ${issue.message}` };
  }
  const missing = missingKeyBinding(parsed.data, env);
  return missing ? { ok: false, error: missing } : { ok: true, config: parsed.data };
}

/** An endpoint that names a key binding the Worker does not have is a config error, not a 401 later. */
function missingKeyBinding(config: Config, env: Record<string, unknown>): string | undefined {
  for (const [i, m] of config.models.entries()) {
    for (const [j, e] of m.endpoints.entries()) {
      if (e.apiKeyEnv && typeof env[e.apiKeyEnv] !== 'string') {
        return `models[${i}].endpoints[${j}].apiKeyEnv: binding "${e.apiKeyEnv}" is not set`;
      }
    }
  }
  return undefined;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}
