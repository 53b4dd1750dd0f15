import { describe, expect, it } from 'vitest';
import { SseDecoder } from './sse-decoder';
import { parseEvent } from './upstream-event';

const chunk = (content: string) => JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });

describe('SseDecoder', () => {
  it.each([1, 3, 7, 1024])('yields complete data payloads across reads split every %i bytes', (size) => {
    const bytes = new TextEncoder().encode(`data: ${chunk('Hé')}\n\n: comment\n\ndata: ${chunk('llo')}\r\n\r\ndata: [DONE]\n\n`);
    const decoder = new SseDecoder();
    const out: string[] = [];
    for (let at = 0; at < bytes.length; at += size) out.push(...decoder.feed(bytes.slice(at, at + size)));
    expect(out).toEqual([chunk('Hé'), chunk('llo'), '[DONE]']);
  });

  it('flags an event over the size limit instead of buffering without bound', () => {
    const decoder = new SseDecoder();
    decoder.feed(new TextEncoder().encode(`data: ${'x'.repeat(2 * 1024 * 1024)}`));
    expect(decoder.overflow).toBe(true);
  });
});

describe('parseEvent', () => {
  it('parses a chunk', () => {
    expect(parseEvent(chunk('a')).chunk?.choices[0]?.delta.content).toBe('a');
  });

  it('flags malformed JSON and non-chunk objects (skipped and counted)', () => {
    expect(parseEvent('{not json')).toEqual({ malformed: true });
    expect(parseEvent('42')).toEqual({ malformed: true });
    expect(parseEvent('{"foo":1}')).toEqual({ malformed: true });
  });

  it.each([
    '{"choices":[null]}',
    '{"choices":5}',
    '{"choices":[{"index":0,"delta":{"tool_calls":5}}]}',
    '{"choices":[{"index":0,"delta":{"tool_calls":[null]}}]}',
    '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":"a"}]}}]}',
    '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":7}}]}}]}',
    '{"choices":[{"index":-1,"delta":{}}]}',
    '{"choices":[{"index":1e9,"delta":{}}]}',
    '{"choices":[{"index":0,"delta":{"content":{"a":1}}}]}',
    '{"choices":[{"index":0,"delta":"x"}]}',
    '{"choices":[{"index":0,"delta":{},"finish_reason":3}]}',
  ])('flags a chunk with fields of the wrong type as invalid: %s', (data) => {
    expect(parseEvent(data).invalid).toEqual(expect.any(String));
  });

  it('fills in an omitted index and delta', () => {
    expect(parseEvent('{"choices":[{"finish_reason":"stop"}]}').chunk?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
  });

  it('surfaces an upstream error event', () => {
    expect(parseEvent('{"error":{"message":"overloaded","code":"server_error"}}')).toEqual({ error: { message: 'overloaded', code: 'server_error' } });
  });
});
