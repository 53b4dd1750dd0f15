import { canarySchema, promptRef } from './canary/config';
import { PROMPT_TEMPLATES } from './prompts/templates';
import * as z from './util/zod';

/**
 * The gateway's configuration: one JSON document (design §4), validated here at the boundary and
 * passed around as typed values. Field names in this schema are the public contract.
 */

const sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a lowercase SHA-256 hex digest'));
const nonEmpty = z.string().check(z.minLength(1));
const positive = z.number().check(z.positive());
const nonnegative = z.number().check(z.nonnegative());
const positiveInt = z.number().check(z.int(), z.positive());
const nonnegativeInt = z.number().check(z.int(), z.nonnegative());
/** 0 to 1. */
const share = z.number().check(z.minimum(0), z.maximum(1));
/** An integer from `min` to `max`. */
const intIn = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));
const indexVersion = z.string().check(z.minLength(1), z.maxLength(128));
const httpUrl = z.url({ protocol: /^https?$/ });

const bucket = z.object({
  capacity: positive,
  refillPerSecond: nonnegative,
});

const tenant = z.object({
  id: nonEmpty,
  apiKeyHashes: z.array(sha256Hex).check(z.minLength(1)),
  limits: z.optional(
    z.object({
      interactive: z.optional(bucket),
      batch: z.optional(bucket),
      tokensPerMinute: z.optional(positiveInt),
      tools: z.optional(z.record(z.string(), bucket)),
      /** Spend limit per UTC day: worst case reserved at admission, settled to the real cost. */
      usdPerDay: z.optional(positive),
    }),
  ),
  /** Model ids or tier aliases the tenant may use; `"*"` allows all. @default ["*"] */
  allowedModels: z._default(z.array(nonEmpty), ['*']),
  /** Cache this tenant's reproducible answers (see the cache policy). @default true */
  cache: z._default(z.boolean(), true),
  /**
   * Put request content (the retrieval query — by default the user's last message — and filters)
   * in this tenant's log lines. Off, only the query's length and a short hash are logged. @default false
   */
  logContent: z._default(z.boolean(), false),
  /** The most expensive tier `model: "auto"` may pick for this tenant. @default "large" */
  maxTier: z._default(z.enum(['small', 'large']), 'large'),
  /**
   * This tenant's index at the origin: the live `indexVersion` sent with every retrieval, and an
   * optional shadow version that a `sample` share of retrievals is also sent to, off the
   * response's path, to compare (overlap@k, score drift). Flipping a tenant is a config change.
   */
  retrieval: z.optional(
    z.object({
      indexVersion: z.optional(indexVersion),
      shadow: z.optional(z.object({ indexVersion, sample: share })),
    }),
  ),
  /**
   * The semantic cache tier (a fourth layer after the exact ones miss): the prompt is embedded with
   * `embeddingModel` and its nearest earlier prompt of this tenant answers when it is at least
   * `threshold` similar and passes the guards (docs/design-notes.md, "Semantic cache"). Off unless enabled.
   */
  semanticCache: z.optional(
    z.object({
      /** @default false */
      enabled: z._default(z.boolean(), false),
      /** Least cosine similarity of a hit. @default 0.92 */
      threshold: z._default(z.number().check(z.gt(0), z.maximum(1)), 0.92),
      /** A catalog model of kind `embedding`; required when enabled. */
      embeddingModel: z.optional(nonEmpty),
      /** Where the tenant's vectors live: the GATEWAY_VECTORS Durable Object, or the GATEWAY_VECTORIZE index (large tenants). @default "durable-object" */
      index: z._default(z.enum(['durable-object', 'vectorize']), 'durable-object'),
      /** The whole lookup (embedding, index query, answer read): slower is a miss. @default 150 */
      deadlineMs: z._default(positiveInt, 150),
    }),
  ),
});

const price = nonnegative;
/** USD per million tokens; the special ones fall back to the input or output price when absent. */
const priceFields = {
  /** Input read from the provider's prompt cache. @default inputPer1M */
  cachedInputPer1M: z.optional(price),
  /** Input written to the provider's prompt cache, where it bills that apart. @default inputPer1M */
  cacheWritePer1M: z.optional(price),
  /** Reasoning tokens, where they are priced apart from output. @default outputPer1M */
  reasoningPer1M: z.optional(price),
};

const endpoint = z.object({
  id: nonEmpty,
  baseUrl: httpUrl,
  /** Name of the env binding (secret) that holds this endpoint's API key; none for keyless upstreams. */
  apiKeyEnv: z.optional(nonEmpty),
  weight: z._default(positive, 1),
  /** Prices billed through this endpoint, where they differ from the model's (another provider, a discount). */
  prices: z.optional(z.object({ inputPer1M: z.optional(price), outputPer1M: z.optional(price), ...priceFields })),
  /** `gen_ai.provider.name` on this endpoint's trace spans (OpenTelemetry's names: "openai", "azure.ai.openai", "groq", …). @default "openai" */
  provider: z.optional(nonEmpty),
});

const model = z.object({
  id: nonEmpty,
  /** `chat` models answer /v1/chat/completions and /v1/chat; `embedding` models answer /v1/embeddings. @default "chat" */
  kind: z._default(z.enum(['chat', 'embedding']), 'chat'),
  tier: z.enum(['small', 'large']),
  /** The model name the provider expects, when it differs from `id`. @default id */
  upstreamModel: z.optional(nonEmpty),
  inputPer1M: price,
  outputPer1M: price,
  ...priceFields,
  contextWindow: positiveInt,
  /** The most completion tokens the model writes in one answer; requests asking more are refused or clamped. */
  maxOutputTokens: z.optional(positiveInt),
  endpoints: z.array(endpoint).check(z.minLength(1)),
  /** A cheaper model to fall back to when every endpoint of this one fails before the answer starts. */
  fallback: z.optional(nonEmpty),
  /** Extra system instructions for the fallback's answer. */
  fallbackInstructions: z._default(
    z.string(),
    'You are answering as a fallback while the primary model is unavailable. Be brief and precise, and say so when you are unsure.',
  ),
});

const ms = positiveInt;

const budgets = z.object({
  retrievalMs: z._default(ms, 250),
  rerankMs: z._default(ms, 150),
  toolsMs: z._default(ms, 400),
  /** From the start of each provider attempt to its first token. */
  firstTokenMs: z._default(ms, 1200),
  /** Longest silence allowed between two upstream events once the stream has started. */
  idleMs: z._default(ms, 10_000),
  /** The whole request, end to end. */
  totalMs: z._default(ms, 30_000),
  /** Reading the client's request body. */
  requestBodyMs: z._default(ms, 5_000),
  /** SSE comment heartbeat interval while the stream is quiet. */
  heartbeatMs: z._default(ms, 5_000),
});

const cache = z.object({
  memoryTtlSeconds: z._default(nonnegativeInt, 30),
  redisTtlSeconds: z._default(nonnegativeInt, 600),
  kvTtlSeconds: z._default(z.number().check(z.int(), z.minimum(60)), 3600),
  /** Retrieval results (memory and Redis), by tenant + normalized query + filters. 0 turns it off. @default 60 */
  retrievalTtlSeconds: z._default(nonnegativeInt, 60),
});

const retrieval = z.object({
  /** Chunks asked of the origin when the request does not say. @default 5 */
  topK: z._default(intIn(1, 100), 5),
  /** Token budget the retrieved context is packed into when the request does not say. @default 1500 */
  maxContextTokens: z._default(positiveInt, 1500),
  /** Rerank retrieved chunks at the origin (`/rerank`, under `budgets.rerankMs`). @default false */
  rerank: z._default(z.boolean(), false),
  /** Fail the request (504/502) when retrieval fails, instead of answering without context. @default false */
  required: z._default(z.boolean(), false),
});

const tools = z.object({
  /** Tools whose failure fails the request (504/502) instead of being marked unavailable. @default [] */
  required: z._default(z.array(z.string()), []),
});

const routing = z.object({
  /** `auto`: inputs over this many estimated tokens that ask for synthesis go large. @default 2000 */
  largePromptTokens: z._default(positiveInt, 2000),
  /** `auto`: conversations with more user turns go large. @default 20 */
  largeConversationTurns: z._default(positiveInt, 20),
  /**
   * `auto`'s decider: `learned` (the shipped model, src/routing/router-weights.json, with the
   * keyword rules as the explanation) or `rules` (the keyword rules alone). @default "learned"
   */
  router: z._default(z.enum(['learned', 'rules']), 'learned'),
  /**
   * Cascade: a non-stream (or `gateway.contract: "buffer"`) request that `auto` sent small with
   * P(large) at or above `cascadeMinPLarge` is escalated once to the large tier when the small
   * answer fails (contract invalid after repair, empty, a refusal, cut by length). @default false
   */
  cascade: z._default(z.boolean(), false),
  /** The low-confidence band's floor for the cascade (below it, small answers are trusted). @default 0.1 */
  cascadeMinPLarge: z._default(share, 0.1),
  /** Caps on max_tokens per tier (applied to what is sent upstream). */
  maxTokens: z.prefault(z.object({ small: z.optional(positiveInt), large: z.optional(positiveInt) }), {}),
});

const resilience = z.object({
  /**
   * Longest pause a provider's `Retry-After` can impose: on the endpoint (it takes no requests
   * meanwhile) and in the `Retry-After` passed on to clients. @default 60
   */
  maxRetryAfterSeconds: z._default(positiveInt, 60),
  breaker: z.prefault(
    z.object({
      consecutiveFailures: z._default(positiveInt, 5),
      failureRate: z._default(z.number().check(z.gt(0), z.maximum(1)), 0.5),
      window: z._default(positiveInt, 20),
      minRequests: z._default(positiveInt, 10),
      cooldownMs: z._default(ms, 5000),
      maxCooldownMs: z._default(ms, 60_000),
    }),
    {},
  ),
  retry: z.prefault(
    z.object({
      /** Retries as a share of recent requests. @default 0.1 */
      ratio: z._default(share, 0.1),
      minPerWindow: z._default(nonnegativeInt, 3),
      windowMs: z._default(ms, 10_000),
      /** Upstream attempts per request at most, fallbacks included. @default 3 */
      maxAttempts: z._default(intIn(1, 6), 3),
      backoffBaseMs: z._default(ms, 100),
      backoffMaxMs: z._default(ms, 2000),
    }),
    {},
  ),
});

const rateLimit = z.object({
  /** How long a global (Redis) limit check may take before the lane's failure policy applies. @default 100 */
  redisTimeoutMs: z._default(ms, 100),
  /** Per lane: on Redis trouble, admit on the local bucket's word (true) or refuse with 503 (false). */
  failOpen: z.prefault(
    z.object({ interactive: z._default(z.boolean(), true), batch: z._default(z.boolean(), false), tools: z._default(z.boolean(), false) }),
    {},
  ),
  /** Batch requests in flight per isolate; more are shed (503 + Retry-After) so interactive latency holds. @default 8 */
  batchConcurrency: z._default(positiveInt, 8),
  /** Completion tokens reserved against tokensPerMinute when a request sets no max_tokens. @default 1024 */
  defaultMaxTokens: z._default(positiveInt, 1024),
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
const slo = z.catchall(
  z.object({
    /** Where a breach is POSTed: `{alarm: "slo_breach", stage, p95_ms, slo_ms, window, at}`. */
    alarmWebhook: z.optional(httpUrl),
    /** The window a breach is judged over, and the least time between two alarms of a stage. @default "1m" */
    alarmWindow: z._default(z.enum(STATS_WINDOWS), '1m'),
    /** Fewer requests than this in the window never alarm (one slow request is not a breach). @default 5 */
    alarmMinRequests: z._default(positiveInt, 5),
  }),
  ms,
);

/** Per-stage p95 budgets of an `slo` config (its numeric entries). */
export function sloBudgets(s: Config['slo']): Record<string, number> {
  return Object.fromEntries(
    Object.entries(s).filter(([k, v]) => !(SLO_SETTINGS as readonly string[]).includes(k) && typeof v === 'number'),
  ) as Record<string, number>;
}

const stats = z.object({
  /** Ship this isolate's figures to the GATEWAY_STATS Durable Object at most this often. @default 2000 */
  flushMs: z._default(ms, 2000),
  /** A shipment that takes longer is dropped (and counted). @default 1000 */
  timeoutMs: z._default(ms, 1000),
  /** An isolate re-reads the canaries' state (rolled back, promoted) from the object at most this often. @default 5000 */
  canaryRefreshMs: z._default(ms, 5000),
});

/**
 * An embedding model needs no tier, output price or context window (design §4 lists it with its
 * input price alone): they are filled in so every model has one shape. Its tier never routes
 * (aliases and `auto` pick chat models only).
 */
const catalogModel = z.pipe(
  z.transform((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null || (raw as Record<string, unknown>).kind !== 'embedding') return raw;
    return { tier: 'small', outputPer1M: 0, contextWindow: 8192, ...raw };
  }),
  model,
);

const configObject = z.object({
  tenants: z.array(tenant).check(z.minLength(1)),
  models: z.array(catalogModel).check(z.minLength(1)),
  origin: z.optional(z.object({ baseUrl: httpUrl })),
  budgets: z.prefault(budgets, {}),
  cache: z.prefault(cache, {}),
  retrieval: z.prefault(retrieval, {}),
  routing: z.prefault(routing, {}),
  rateLimit: z.prefault(rateLimit, {}),
  resilience: z.prefault(resilience, {}),
  tools: z.prefault(tools, {}),
  slo: z.prefault(slo, {}),
  stats: z.prefault(stats, {}),
  /** Canaries (design §4): a prompt version or a model tried on a share of conversations. @default [] */
  canaries: z._default(z.array(canarySchema), []),
  /** Browser origins allowed to call the API (`"*"` for any). @default [] (no CORS) */
  cors: z.prefault(z.object({ allowOrigins: z._default(z.array(nonEmpty), []) }), {}),
  /** Largest request body accepted, in bytes. @default 1 MiB */
  maxBodyBytes: z._default(positiveInt, 1024 * 1024),
  /** Most choices (`n`) one request may ask for. @default 128 (OpenAI's bound) */
  maxChoices: z._default(intIn(1, 128), 128),
  /**
   * Deepest nesting of objects and arrays a request body may have (a 400 beyond it). Bounds the
   * work of every later encoding of the body (cache key, idempotency fingerprint). @default 64
   */
  maxJsonDepth: z._default(intIn(8, 1000), 64),
});

export const configSchema = configObject.check(
  z.superRefine((cfg: z.infer<typeof configObject>, ctx) => {
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
  }),
);

/** Canary ids are unique; `from` and `to` name a template version (prompt) or a catalog model (model), and differ. */
function checkCanaries(canaries: z.infer<typeof canarySchema>[], models: ReadonlySet<string>, ctx: z.core.$RefinementCtx): void {
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
