import { describe, expect, it } from 'vitest';
import { parseEvent, upstreamEvents } from './upstream-chunks';

/** A body that delivers `text` in pieces of `size` bytes, to cross every boundary. */
function body(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>) {
  const events = [];
  const it = upstreamEvents(stream);
  for (;;) {
    const next = await it.next();
    if (next.done) return { events, done: next.value.done };
    events.push(next.value);
  }
}

const chunk = (content: string) => JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });

describe('upstreamEvents', () => {
  it.each([1, 3, 7, 1024])('parses events split every %i bytes, up to [DONE]', async (size) => {
    const text = `data: ${chunk('Hé')}\n\n: comment\n\ndata: ${chunk('llo')}\r\n\r\ndata: [DONE]\n\ndata: ${chunk('after')}\n\n`;
    const { events, done } = await collect(body(text, size));
    expect(done).toBe(true);
    expect(events.map((e) => e.chunk?.choices[0]?.delta.content)).toEqual(['Hé', 'llo']);
  });

  it('reports an end without [DONE]', async () => {
    const { events, done } = await collect(body(`data: ${chunk('a')}\n\n`, 5));
    expect(events).toHaveLength(1);
    expect(done).toBe(false);
  });
});

describe('parseEvent', () => {
  it('flags malformed JSON and non-chunk objects', () => {
    expect(parseEvent('{not json')).toEqual({ malformed: true });
    expect(parseEvent('42')).toEqual({ malformed: true });
    expect(parseEvent('{"foo":1}')).toEqual({ malformed: true });
  });

  it('surfaces an upstream error event', () => {
    expect(parseEvent('{"error":{"message":"overloaded","code":"server_error"}}')).toEqual({ error: { message: 'overloaded', code: 'server_error' } });
  });
});
