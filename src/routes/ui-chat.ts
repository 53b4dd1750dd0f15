import type { Context } from 'hono';
import type { AppEnv } from '../pipeline/context';
import { UiMessageSink } from '../sinks/ui-message';
import { streamFailure } from './stream-failure';
import { respond } from './respond';

/** `useChat` checks for this header before it reads the stream as UI-message parts. */
const UI_STREAM_HEADERS = { 'x-vercel-ai-ui-message-stream': 'v1' };

/**
 * POST /v1/chat: the AI SDK's UI-message stream for `useChat` — the same answer path as
 * /v1/chat/completions, with `start` flushed at once, sources before text, reasoning and text
 * parts, the gateway's figures as message metadata, and an `error` part on failure.
 */
export function uiChat(c: Context<AppEnv>): Promise<Response> {
  const messageId = c.get('uiMessageId');
  return respond(c, {
    headers: UI_STREAM_HEADERS,
    stream: (plan) => ({
      head: UiMessageSink.head(plan, messageId),
      sink: (out) => new UiMessageSink(out, plan),
      errorEvent: (err) => UiMessageSink.error(streamFailure(plan.trace, err), plan.trace.requestId),
    }),
  });
}
