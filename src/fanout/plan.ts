import type { ChatRequest } from '../chat-request';
import { messageText } from '../telemetry/tokens';
import type { Config } from '../config';
import { noOrigin } from './errors';
import type { FanoutPlan } from './fanout';

/**
 * What the request's `gateway` extension asks of the origin, with config defaults filled in; or
 * undefined when it asks nothing (then the fan-out costs nothing). Checked before the stream
 * opens, so a request the gateway cannot serve gets its real status.
 */
export function planFanout(chat: ChatRequest, config: Config): FanoutPlan | undefined {
  const ext = chat.gateway;
  if (!ext?.retrieval && !ext?.tools?.length) return undefined;
  if (!config.origin) throw noOrigin();
  return {
    retrieval: ext.retrieval && {
      query: ext.retrieval.query ?? lastUserText(chat),
      topK: ext.retrieval.topK ?? config.retrieval.topK,
      filters: ext.retrieval.filters,
      maxContextTokens: ext.retrieval.maxContextTokens ?? config.retrieval.maxContextTokens,
    },
    tools: ext.tools ?? [],
  };
}

/** The text of the last user message: the default retrieval query. */
export function lastUserText(chat: ChatRequest): string {
  const last = [...chat.messages].reverse().find((m) => m.role === 'user');
  const text = messageText(last?.content);
  return typeof last?.content === 'string' ? text : text.trim();
}
