/** SSE framing for the client side (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

const encoder = new TextEncoder();

export const sseFrame = (json: string): string => `data: ${json}\n\n`;
export const sseData = (json: string): Uint8Array => encoder.encode(sseFrame(json));
export const sseComment = (text: string): Uint8Array => encoder.encode(`: ${text}\n\n`);
export const SSE_DONE: Uint8Array = encoder.encode('data: [DONE]\n\n');

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Tells nginx-style proxies in front of a self-hosted origin not to buffer the stream.
  'x-accel-buffering': 'no',
};
