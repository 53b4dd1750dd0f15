import { describe, expect, it } from 'vitest';
import { batchBytes, chunkReader, MAX_BATCH_BYTES } from './chunk-reader';

const bytes = (...parts: string[]) => parts.map((p) => new TextEncoder().encode(p));

async function readAll(body: ReadableStream<Uint8Array>, atLeast?: number): Promise<string> {
  const reader = chunkReader(body);
  const decoder = new TextDecoder();
  let out = '';
  for (;;) {
    const r = await reader.read(atLeast);
    if (r.done) return out;
    out += decoder.decode(r.value, { stream: true });
  }
}

describe('chunkReader', () => {
  it('reads a byte stream into a reused buffer, every byte in order', async () => {
    const parts = bytes('data: a\n\n', 'data: bb\n\n', 'data: [DONE]\n\n');
    const body = new ReadableStream({
      type: 'bytes',
      start(c) {
        for (const p of parts) c.enqueue(p);
        c.close();
      },
    });
    expect(await readAll(body)).toBe('data: a\n\ndata: bb\n\ndata: [DONE]\n\n');
  });

  it('reads a stream without BYOB support with the default reader (asking for a batch changes nothing)', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of bytes('one ', 'two ', 'three')) c.enqueue(p);
        c.close();
      },
    });
    expect(await readAll(body, 4096)).toBe('one two three');
  });
});

describe('batchBytes', () => {
  it('reads chunk by chunk until something has arrived', () => {
    expect(batchBytes(0, 0, 10_000)).toBe(1);
    expect(batchBytes(0, 500, 10_000)).toBe(1);
  });

  it('asks for what the rate seen so far fills in an eighth of idleMs', () => {
    // 2,000 bytes in 1,000 ms = 2 B/ms; idleMs 8,000 → 1 s of stream = 2,000 bytes.
    expect(batchBytes(2000, 1000, 8000)).toBe(2000);
    // A slower stream, smaller batches: 100 bytes in 1,000 ms with idleMs 400 → 5 bytes.
    expect(batchBytes(100, 1000, 400)).toBe(5);
  });

  it('is capped, and never below one byte', () => {
    expect(batchBytes(1_000_000, 1, 10_000)).toBe(MAX_BATCH_BYTES);
    expect(batchBytes(1, 10_000, 10)).toBe(1);
  });
});
