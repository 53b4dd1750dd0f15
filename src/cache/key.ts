import type { ChatRequest } from '../chat-request';
import { messageText } from '../telemetry/tokens';
import { sha256Hex } from '../util/sha256';
import { normalizePrompt } from './semantic/guards';
import type { SemanticQuery } from './semantic/semantic';

/** Longest last user message the semantic cache embeds and keeps (index metadata is bounded). */
const SEMANTIC_MAX_CHARS = 2000;

/** Request fields that change the answer (besides model and messages). Everything else does not. */
const ANSWER_PARAMS = [
  'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'n', 'stop', 'seed', 'tools', 'tool_choice',
  'parallel_tool_calls', 'response_format', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs',
  'top_logprobs', 'reasoning_effort', 'modalities', 'audio', 'prediction', 'verbosity',
] as const;

export interface KeyParts {
  tenantId: string;
  /** The resolved catalog model (not "auto"). */
  model: string;
  chat: ChatRequest;
  /** The prompt template and its rendered text (variables change the answer too). */
  prompt?: { id: string; version: string; preamble: string };
  /** Chunk ids + index version + embedding model of the retrieval that fed the prompt. */
  retrieval?: { ids: string[]; indexVersion?: string; embeddingModel?: string; failed?: boolean };
  /** Tool results that went into the prompt. */
  tools?: unknown;
}

/**
 * The cache key: SHA-256 over a canonical encoding (object keys sorted, at every depth) of
 * everything that changes the answer, prefixed with the tenant, so no request can name another
 * tenant's entry whatever it sends.
 */
export async function cacheKey(p: KeyParts): Promise<string> {
  const params = answerParams(p.chat);
  const canonical = canonicalJson({ v: 1, tenant: p.tenantId, model: p.model, messages: p.chat.messages, params, prompt: p.prompt, retrieval: p.retrieval, tools: p.tools });
  return `gw:c:${encodeURIComponent(p.tenantId)}:${await sha256Hex(canonical)}`;
}

function answerParams(chat: ChatRequest): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const body = chat as Record<string, unknown>;
  for (const name of ANSWER_PARAMS) if (body[name] !== undefined && body[name] !== null) params[name] = body[name];
  return params;
}

/**
 * The same parts seen by the semantic cache: the last user message's text (what is embedded and
 * compared) apart from fingerprints of everything else the exact key holds — which a semantic hit
 * must match exactly. None when the conversation does not end with a user's text message (an
 * image or a tool result is not something two prompts can be "similar" in) or the text is long.
 */
export async function semanticQuery(p: KeyParts): Promise<SemanticQuery | undefined> {
  const last = p.chat.messages.at(-1);
  if (!last || last.role !== 'user') return undefined;
  if (Array.isArray(last.content) && last.content.some((part) => part.type !== 'text')) return undefined;
  const text = normalizePrompt(messageText(last.content));
  if (!text || text.length > SEMANTIC_MAX_CHARS) return undefined;
  const [context, retrieval] = await Promise.all([
    sha256Hex(canonicalJson({ v: 1, params: answerParams(p.chat), messages: p.chat.messages.slice(0, -1), preamble: p.prompt?.preamble })),
    sha256Hex(canonicalJson({ v: 1, retrieval: p.retrieval, tools: p.tools })),
  ]);
  return { model: p.model, promptId: p.prompt?.id ?? '', promptVersion: p.prompt?.version ?? '', retrieval, context, text };
}

/**
 * JSON with object keys sorted at every depth: the same value always encodes the same way.
 * Iterative (a stack of pending output and containers), so no depth of input can overflow the call
 * stack — validation bounds depth for clients, but this encodes other values too.
 */
export function canonicalJson(value: unknown): string {
  let out = '';
  // Strings are finished output; objects are containers still to open.
  const stack: Array<string | object> = [encodeOrContainer(value)];
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out += item;
      continue;
    }
    // Pushed in reverse, so they pop in order; no spread (a huge array would overflow push's arguments).
    if (Array.isArray(item)) {
      stack.push(']');
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(encodeOrContainer(item[i]));
        if (i) stack.push(',');
      }
      stack.push('[');
      continue;
    }
    const entries = Object.entries(item as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    stack.push('}');
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i]!;
      stack.push(encodeOrContainer(v), `${i ? ',' : ''}${JSON.stringify(k)}:`);
    }
    stack.push('{');
  }
  return out;
}

/** A scalar's JSON text (undefined as null, as in an array), or the container itself. */
function encodeOrContainer(value: unknown): string | object {
  return value !== null && typeof value === 'object' ? value : (JSON.stringify(value) ?? 'null');
}

/**
 * The documented policy: an answer is cached only when it is reproducible — temperature 0 (or
 * top_p 0), one choice — unless the request says `gateway.cache: "bypass"`; the tenant may turn
 * caching off. `refresh` skips the read but writes the new answer.
 */
export function cachePolicy(chat: ChatRequest, tenantCache: boolean): { read: boolean; write: boolean } {
  const mode = chat.gateway?.cache ?? 'default';
  const deterministic = (chat.temperature === 0 || chat.top_p === 0) && (chat.n ?? 1) === 1;
  const on = tenantCache && deterministic && mode !== 'bypass';
  return { read: on && mode !== 'refresh', write: on };
}
