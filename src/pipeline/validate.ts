import type { Context, MiddlewareHandler } from 'hono';
import { chatRequestSchema, type ChatRequest } from '../chat-request';
import { embeddingsRequestSchema, type EmbeddingsRequest } from '../embeddings/request';
import { formatPath } from '../config';
import { invalidJson, invalidRequest } from '../errors';
import { toChatRequest, uiChatRequestSchema } from '../ui-chat-request';
import { tooDeepAt } from '../util/json-depth';
import { readBody } from '../util/read-body';
import type * as z from '../util/zod';
import type { AppEnv } from './context';

declare module 'hono' {
  interface ContextVariableMap {
    /** `/v1/chat` only: the id the answer's UI message gets. */
    uiMessageId: string;
    /** `/v1/embeddings` only: the checked request. */
    embeddings: EmbeddingsRequest;
  }
}

/** POST /v1/chat/completions: the body checked against the Chat Completions schema. */
export function validateChatRequest(): MiddlewareHandler<AppEnv> {
  return async function validate(c, next) {
    await c.get('trace').run('validate', async () => setChat(c, parse(chatRequestSchema, await readJson(c))));
    await next();
  };
}

/**
 * POST /v1/chat: what `useChat` sends, checked, then turned into the same chat request every
 * later stage reads — so limits, idempotency, cache and routing work unchanged.
 */
export function validateUiChatRequest(): MiddlewareHandler<AppEnv> {
  return async function validateUiChat(c, next) {
    await c.get('trace').run('validate', async () => {
      const ui = parse(uiChatRequestSchema, await readJson(c));
      setChat(c, parse(chatRequestSchema, toChatRequest(ui)), ui.id);
      c.set('uiMessageId', ui.messageId ?? `msg_${c.get('trace').requestId.slice(4)}`);
    });
    await next();
  };
}

/** POST /v1/embeddings: the body checked against the Embeddings schema. */
export function validateEmbeddingsRequest(): MiddlewareHandler<AppEnv> {
  return async function validateEmbeddings(c, next) {
    await c.get('trace').run('validate', async () => c.set('embeddings', parse(embeddingsRequestSchema, await readJson(c))));
    await next();
  };
}

/** A JSON body checked against a schema, for routes without a stage of their own (a 400 naming the field). */
export async function readJsonBody<S extends z.ZodMiniType>(c: Context<AppEnv>, schema: S, maxBytes?: number): Promise<z.infer<S>> {
  return parse(schema, await readJson(c, maxBytes));
}

/** The body, size and time bounded, parsed, its nesting bounded before anything walks it. */
async function readJson(c: Context<AppEnv>, maxBytes?: number): Promise<unknown> {
  const { maxBodyBytes, maxJsonDepth, budgets } = c.get('catalog').config;
  const text = await readBody(c.req.raw, maxBytes ?? maxBodyBytes, budgets.requestBodyMs);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalidJson((err as Error).message);
  }
  const deep = tooDeepAt(json, maxJsonDepth);
  if (deep) {
    const param = formatPath(deep);
    throw invalidRequest(`${param}: nested deeper than ${maxJsonDepth} levels of objects and arrays.`, param);
  }
  return json;
}

/** The value against a schema; the first issue is a 400 naming its field. */
function parse<S extends z.ZodMiniType>(schema: S, json: unknown): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = formatPath(issue.path);
  throw invalidRequest(param ? `${param}: ${issue.message}` : issue.message, param || undefined);
}

function setChat(c: Context<AppEnv>, chat: ChatRequest, defaultTask?: string): void {
  const { maxChoices } = c.get('catalog').config;
  if ((chat.n ?? 1) > maxChoices) throw invalidRequest(`n: at most ${maxChoices} choices per request`, 'n');
  c.set('chat', chat);
  // The task this request joins: `gateway.task_id`, else the header, else (UI chats) the chat's id.
  const header = c.req.header('x-gateway-task-id');
  if (header !== undefined && !/^[\x20-\x7e]{1,128}$/.test(header)) throw invalidRequest('x-gateway-task-id must be 1 to 128 printable ASCII characters.', 'x-gateway-task-id');
  c.get('trace').set('task_id', chat.gateway?.task_id ?? header ?? defaultTask);
}
