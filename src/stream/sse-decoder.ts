import { createParser, type EventSourceParser } from 'eventsource-parser';

/** Largest SSE event the gateway accepts from a provider before calling the stream broken. */
const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * Bytes of an upstream SSE body in, `data:` payloads out, synchronously per network read.
 * eventsource-parser's callback API rather than its TransformStream: two stream stages and an
 * async generator per chunk cost more CPU than the parsing itself on this path (bench/profile.ts).
 */
export class SseDecoder {
  private readonly decoder = new TextDecoder();
  private readonly parser: EventSourceParser;
  private events: string[] = [];
  /** Set when the upstream sent an event larger than the limit. */
  overflow = false;

  constructor() {
    this.parser = createParser({
      onEvent: (e) => this.events.push(e.data),
      onError: () => (this.overflow = true),
      maxBufferSize: MAX_EVENT_BYTES,
    });
  }

  /** The data payloads completed by these bytes (possibly none). */
  feed(bytes: Uint8Array): string[] {
    return this.feedText(this.decoder.decode(bytes, { stream: true }));
  }

  feedText(text: string): string[] {
    this.parser.feed(text);
    const out = this.events;
    this.events = [];
    return out;
  }
}
