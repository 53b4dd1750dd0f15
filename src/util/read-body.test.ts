import { describe, expect, it } from 'vitest';
import { readBody } from './read-body';

const streamOf = (chunks: number, size: number, onPull: () => void = () => {}) => {
  let n = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      onPull();
      if (n++ >= chunks) return c.close();
      c.enqueue(new Uint8Array(size).fill(97));
    },
  });
};
const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://x/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('readBody', () => {
  it('returns the whole body under the limit', async () => {
    expect(await readBody(post('{"a":1}', { 'content-length': '7' }), 100, 1000)).toBe('{"a":1}');
    expect(await readBody(post(streamOf(4, 10)), 100, 1000)).toBe('a'.repeat(40));
  });

  it('refuses a declared Content-Length over the limit without reading', async () => {
    let pulls = 0;
    const req = post(streamOf(1, 10, () => pulls++), { 'content-length': '5000' });
    await expect(readBody(req, 1000, 1000)).rejects.toMatchObject({ status: 413 });
    expect(pulls).toBeLessThanOrEqual(1); // a stream may pre-pull once; nothing is consumed
  });

  it('stops reading an undeclared body as soon as it passes the limit', async () => {
    let pulls = 0;
    await expect(readBody(post(streamOf(1000, 100, () => pulls++)), 1000, 1000)).rejects.toMatchObject({ status: 413, code: 'request_too_large' });
    expect(pulls).toBeLessThan(20);
  });

  it('gives up on a body that does not arrive in time, declared or not', async () => {
    const never = () => new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    await expect(readBody(post(never()), 1000, 20)).rejects.toMatchObject({ status: 408, code: 'request_timeout' });
    await expect(readBody(post(never(), { 'content-length': '10' }), 1000, 20)).rejects.toMatchObject({ status: 408 });
  });
});
