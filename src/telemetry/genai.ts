import type { Attrs } from './trace';

/**
 * Attributes of a provider attempt's CLIENT span, by the OpenTelemetry GenAI semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/): the span is named
 * `chat {gen_ai.request.model}`. Parameters and counts only — never the messages.
 */

export interface ChatTarget {
  /** `gen_ai.provider.name`: the endpoint's configured provider, "openai" for the API it speaks. */
  provider: string;
  upstreamModel: string;
  url: string;
}

const REQUEST_PARAMS: Record<string, string> = {
  max_tokens: 'gen_ai.request.max_tokens',
  max_completion_tokens: 'gen_ai.request.max_tokens',
  temperature: 'gen_ai.request.temperature',
  top_p: 'gen_ai.request.top_p',
  frequency_penalty: 'gen_ai.request.frequency_penalty',
  presence_penalty: 'gen_ai.request.presence_penalty',
  seed: 'gen_ai.request.seed',
  n: 'gen_ai.request.choice.count',
};

export function chatRequestAttrs(target: ChatTarget, body: Record<string, unknown>): Attrs {
  const url = new URL(target.url);
  const attrs: Attrs = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': target.provider,
    'gen_ai.request.model': target.upstreamModel,
    'server.address': url.hostname,
    'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
  };
  for (const key in REQUEST_PARAMS) if (typeof body[key] === 'number') attrs[REQUEST_PARAMS[key]!] = body[key];
  return attrs;
}

/** What the provider said about its answer: which model and response, and the token counts. */
export interface ChatResponse {
  model?: string;
  id?: string;
  /** The provider's `usage` object, as it came (details included). */
  usage?: Record<string, unknown>;
}

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
const details = (usage: Record<string, unknown>, key: string): Record<string, unknown> =>
  typeof usage[key] === 'object' && usage[key] !== null ? (usage[key] as Record<string, unknown>) : {};

export function chatResponseAttrs({ model, id, usage }: ChatResponse): Attrs {
  const attrs: Attrs = {};
  if (model) attrs['gen_ai.response.model'] = model;
  if (id) attrs['gen_ai.response.id'] = id;
  if (!usage) return attrs;
  const counts: Record<string, number | undefined> = {
    'gen_ai.usage.input_tokens': count(usage.prompt_tokens),
    'gen_ai.usage.output_tokens': count(usage.completion_tokens),
    'gen_ai.usage.cache_read.input_tokens': count(details(usage, 'prompt_tokens_details').cached_tokens),
    'gen_ai.usage.reasoning.output_tokens': count(details(usage, 'completion_tokens_details').reasoning_tokens),
  };
  for (const key in counts) if (counts[key] !== undefined) attrs[key] = counts[key];
  return attrs;
}
