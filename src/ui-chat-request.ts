import { gatewayExtension, type ChatRequest } from './chat-request';
import { invalidRequest } from './errors';
import * as z from './util/zod';

/**
 * What the AI SDK's `useChat` (its default transport) POSTs — `{id, messages: UIMessage[], trigger,
 * messageId?}` — plus what a frontend adds through the transport's `body`: `model` (default
 * `auto`), `gateway`, and a few answer parameters passed on to the provider.
 */
const part = z.looseObject({ type: z.string().check(z.minLength(1)) });

const uiMessage = z.looseObject({
  id: z.optional(z.string()),
  role: z.enum(['system', 'user', 'assistant']),
  parts: z.array(part),
});

const upTo256 = z.optional(z.string().check(z.maxLength(256)));
const positiveInt = z.optional(z.number().check(z.int(), z.positive()));

export const uiChatRequestSchema = z.looseObject({
  id: upTo256,
  messages: z.array(uiMessage).check(z.minLength(1)),
  trigger: z.optional(z.string()),
  messageId: upTo256,
  model: z._default(z.string().check(z.minLength(1)), 'auto'),
  gateway: z.optional(gatewayExtension),
  temperature: z.optional(z.number().check(z.minimum(0), z.maximum(2))),
  top_p: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  seed: z.optional(z.number().check(z.int())),
  user: upTo256,
  reasoning_effort: z.optional(z.string()),
});

export type UiChatRequest = z.infer<typeof uiChatRequestSchema>;
type UiPart = z.infer<typeof part>;
type ChatMessage = ChatRequest['messages'][number];

const PASSED_ON = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'seed', 'user', 'reasoning_effort'] as const;

/**
 * The UI messages as Chat Completions messages. Text parts become the message's text; image files
 * become image parts; a tool call the assistant made (`tool-{name}` / `dynamic-tool` parts)
 * becomes its `tool_calls`, and its output, when the client has one, a `tool` message. Parts the
 * gateway itself streamed as annotations of an answer — reasoning, sources, step markers — are
 * not sent back to the model. Anything else is a 400 naming the part.
 */
export function toChatRequest(ui: UiChatRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  ui.messages.forEach((m, i) => messages.push(...toMessages(m.role, m.parts, `messages[${i}]`)));
  const chat: Record<string, unknown> = { model: ui.model, messages, stream: true, gateway: ui.gateway };
  for (const key of PASSED_ON) if (ui[key] !== undefined) chat[key] = ui[key];
  return chat as ChatRequest;
}

function toMessages(role: 'system' | 'user' | 'assistant', parts: UiPart[], at: string): ChatMessage[] {
  const content: Array<Record<string, unknown>> = [];
  const toolCalls: Array<Record<string, unknown>> = [];
  const toolResults: ChatMessage[] = [];
  parts.forEach((p, j) => {
    const where = `${at}.parts[${j}]`;
    if (p.type === 'text') content.push({ type: 'text', text: stringField(p, 'text', where) });
    else if (p.type === 'file') content.push(filePart(p, where));
    else if (p.type === 'reasoning' || p.type === 'step-start' || p.type === 'source-url' || p.type === 'source-document') return;
    else if (role === 'assistant' && (p.type === 'dynamic-tool' || p.type.startsWith('tool-'))) {
      const call = toolCall(p, where);
      if (!call) return;
      toolCalls.push(call.call);
      if (call.result) toolResults.push(call.result);
    } else throw invalidRequest(`${where}: parts of type "${p.type}" cannot be sent to the model`, `${where}.type`);
  });
  const onlyText = content.every((c) => c.type === 'text');
  const text = content.map((c) => c.text).join('');
  const message: Record<string, unknown> = { role, content: onlyText ? text : content };
  if (toolCalls.length) message.tool_calls = toolCalls;
  if (!content.length && !toolCalls.length) return [];
  return [message as ChatMessage, ...toolResults];
}

function filePart(p: UiPart, where: string): Record<string, unknown> {
  const mediaType = stringField(p, 'mediaType', where);
  const url = stringField(p, 'url', where);
  if (!mediaType.startsWith('image/')) throw invalidRequest(`${where}: files of type "${mediaType}" cannot be sent to the model (images only)`, `${where}.mediaType`);
  return { type: 'image_url', image_url: { url } };
}

/** An assistant's tool call part; one still streaming its input (no input yet) is left out. */
function toolCall(p: UiPart, where: string): { call: Record<string, unknown>; result?: ChatMessage } | undefined {
  const name = p.type === 'dynamic-tool' ? stringField(p, 'toolName', where) : p.type.slice('tool-'.length);
  const id = stringField(p, 'toolCallId', where);
  if (p.state === 'input-streaming') return undefined;
  const call = { id, type: 'function', function: { name, arguments: JSON.stringify(p.input ?? {}) } };
  if (p.state === 'output-available') return { call, result: { role: 'tool', tool_call_id: id, content: JSON.stringify(p.output ?? null) } as ChatMessage };
  if (p.state === 'output-error') return { call, result: { role: 'tool', tool_call_id: id, content: `Error: ${String(p.errorText ?? 'the tool failed')}` } as ChatMessage };
  return { call };
}

function stringField(p: UiPart, key: string, where: string): string {
  const value = p[key];
  if (typeof value !== 'string') throw invalidRequest(`${where}.${key}: must be a string`, `${where}.${key}`);
  return value;
}
