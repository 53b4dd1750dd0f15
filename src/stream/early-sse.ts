import type { Outcome, RequestEnd } from '../telemetry/request-end';
import { sseComment, sseData, sseFrame, SSE_DONE, SSE_HEADERS } from './sse';

const encoder = new TextEncoder();

export interface SseWriter {
  /** Queues one `data:` event with this JSON text. */
  data(json: string): void;
  /** Sends what is queued as one write (events are also flushed when `run` ends). */
  flush(): void;
}

export interface EarlySseOptions {
  headers: Record<string, string>;
  /** JSON of the first chunk, enqueued before the response is even returned. */
  head: string;
  heartbeatMs: number;
  /** Produces the rest of the stream; a throw becomes the final error event. */
  run(out: SseWriter, signal: AbortSignal): Promise<void>;
  /** JSON of the final error event for an error thrown by `run`. */
  errorEvent(err: unknown): string;
  /** The request's end: it is the stream's end, not the handler's return. */
  end: RequestEnd;
}

export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the stream');
    this.name = 'ClientGoneError';
  }
}

/**
 * An SSE response whose headers and first chunk are out at once, before any upstream work has
 * answered; comment heartbeats keep a quiet stream alive through proxies. The client closing the
 * stream aborts `signal`, which the producer passes to every fetch it makes. The request's end
 * (`opts.end`) becomes the stream's end, whichever way it ends.
 */
export function earlySse(opts: EarlySseOptions): Response {
  const clientGone = new AbortController();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  let quiet = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(sseData(opts.head));
    },
    cancel() {
      open = false;
      clientGone.abort(new ClientGoneError());
    },
  });
  const write = (bytes: Uint8Array) => {
    if (!open) return;
    quiet = false;
    try {
      controller.enqueue(bytes);
    } catch {
      open = false;
    }
  };
  // Only a stream that stayed quiet for a whole interval gets a heartbeat.
  const heartbeat = setInterval(() => {
    if (quiet) write(sseComment('keep-alive'));
    quiet = true;
  }, opts.heartbeatMs);

  let queued = '';
  const out: SseWriter = {
    data: (json) => void (queued += sseFrame(json)),
    flush: () => {
      if (!queued) return;
      write(encoder.encode(queued));
      queued = '';
    },
  };

  const done = (async (): Promise<Outcome> => {
    try {
      await opts.run(out, clientGone.signal);
      out.flush();
      write(SSE_DONE);
      return 'complete';
    } catch (err) {
      if (clientGone.signal.aborted) return 'client_gone';
      out.data(opts.errorEvent(err));
      out.flush();
      return 'error';
    } finally {
      clearInterval(heartbeat);
      if (open) {
        open = false;
        controller.close();
      }
    }
  })();

  opts.end.until(done);
  return new Response(body, { headers: { ...SSE_HEADERS, ...opts.headers } });
}
