import { describe, expect, it } from 'vitest';
import { batchBytes, chunkReader, MAX_BATCH_BYTES, MIN_LIVE_BYTES_PER_MS } from './chunk-reader';

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
  const at = (bytes: number, ms: number, reads: number, idleMs = 10_000) => batchBytes({ bytes, ms, reads, idleMs });

  it('reads chunk by chunk for the first reads after the first token', () => {
    expect(at(5000, 10, 0)).toBe(1);
    expect(at(5000, 10, 3)).toBe(1);
  });

  it('then asks for what the rate since the first token fills in idleMs / 16', () => {
    // 400 bytes in 1,000 ms = 0.4 B/ms; idleMs 10,000 → 10,000 / 16 ms of stream = 250 bytes.
    expect(at(400, 1000, 4)).toBe(250);
  });

  it('never more than a stream at ~200 B/s delivers in idleMs / 2, whatever the rate so far', () => {
    // A fast burst: the rate would allow 16 KiB; the floor holds it to 0.2 × 10,000 / 2 = 1,000 bytes.
    expect(at(6000, 5, 30)).toBe(1000);
    expect(at(6000, 5, 30, 2000)).toBe(200);
  });

  it('is capped at MAX_BATCH_BYTES, however long idleMs is', () => {
    // idleMs 1,000 s: the floor alone would allow 0.2 × 1,000,000 / 2 = 100,000 bytes.
    expect((MIN_LIVE_BYTES_PER_MS * 1_000_000) / 2).toBeGreaterThan(MAX_BATCH_BYTES);
    expect(at(1_000_000, 1, 30, 1_000_000)).toBe(MAX_BATCH_BYTES);
  });

  it('is at least one byte', () => {
    expect(at(1, 10_000, 10, 10)).toBe(1);
  });
});
