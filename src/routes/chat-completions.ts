import type { Context } from 'hono';
import { errorBody } from '../errors';
import type { AppEnv } from '../pipeline/context';
import { ChatSseSink } from '../sinks/chat-sse';
import type { Trace } from '../telemetry/trace';
import { respond } from './respond';
import { streamFailure } from './stream-failure';

/**
 * POST /v1/chat/completions: the answer as one `chat.completion` JSON, or as Chat Completions SSE
 * streamed from the first millisecond (the role chunk before anything upstream has answered).
 */
export function chatCompletions(c: Context<AppEnv>): Promise<Response> {
  if (!c.get('chat').stream) return respond(c, { json: true });
  return respond(c, {
    stream: (plan) => ({
      head: ChatSseSink.head(plan),
      sink: (out) => new ChatSseSink(out, plan),
      errorEvent: (err) => streamError(plan.trace, err),
    }),
  });
}

/** The final `data: {"error": …}` event of a stream whose headers were already sent. */
function streamError(trace: Trace, err: unknown): string {
  const e = streamFailure(trace, err);
  const body = errorBody(e, trace.requestId);
  return JSON.stringify({ error: { ...body.error, status: e.status } });
}
