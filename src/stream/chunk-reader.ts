/**
 * Reads a byte stream into one reused buffer, chunk by chunk or in batches. A fetch body in
 * workerd is a byte stream: its BYOB reader fills the buffer it is given, so a read allocates no
 * new ArrayBuffer (the default reader allocates one per chunk — per token, on an upstream SSE
 * body), and `readAtLeast` waits for several chunks in one read. Each read the script sees costs
 * the runtime tens of µs (bench/profile.ts). How big a batch may be: `batchBytes`. Streams
 * without BYOB support (a JS-built ReadableStream) are read chunk by chunk with the default reader.
 *
 * Each chunk is only valid until the next read: the caller consumes it at once.
 */
export interface ChunkReader {
  /** The next chunk; with `atLeast` > 1, waits until that many bytes arrived (or the stream ended). */
  read(atLeast?: number): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
}

/** The reused buffer's size: the most a single read returns. */
const BUFFER_BYTES = 32 * 1024;
/** The largest batch asked for. */
export const MAX_BATCH_BYTES = 16 * 1024;

export function chunkReader(body: ReadableStream<Uint8Array>): ChunkReader {
  let byob: ReadableStreamBYOBReader;
  try {
    byob = body.getReader({ mode: 'byob' });
  } catch {
    const reader = body.getReader();
    return { read: () => reader.read(), cancel: (reason) => reader.cancel(reason) };
  }
  let buffer = new ArrayBuffer(BUFFER_BYTES);
  // workerd's extension; elsewhere (Node) a byte stream is read chunk by chunk.
  const batches = typeof byob.readAtLeast === 'function';
  return {
    async read(atLeast = 1) {
      const view = new Uint8Array(buffer);
      const r = batches && atLeast > 1 ? await byob.readAtLeast(Math.min(atLeast, view.byteLength), view) : await byob.read(view);
      // The read transferred the buffer; the chunk's view holds it now, and the next read reuses it.
      if (r.value && r.value.buffer.byteLength >= BUFFER_BYTES) buffer = r.value.buffer as ArrayBuffer;
      else if (r.value) buffer = new ArrayBuffer(BUFFER_BYTES);
      if (r.value?.byteLength) return { done: false, value: r.value };
      return { done: true, value: undefined };
    },
    cancel: (reason) => byob.cancel(reason),
  };
}

/**
 * A live stream is assumed to deliver at least this many bytes per ms (~200 B/s: about one
 * OpenAI-style chunk a second); slower than that over a whole `idleMs`, it counts as stalled.
 */
export const MIN_LIVE_BYTES_PER_MS = 0.2;
/** Reads after the first token before the rate is trusted enough to batch. */
const WARM_READS = 4;

/**
 * How many bytes to wait for in one read of a stream nobody watches live (an answer the client
 * gets as one JSON body), after its first token. Two bounds, the smaller wins:
 * - what the stream, at its rate since the first token, delivers in `idleMs / 16`;
 * - what a stream at the slowest live rate (`MIN_LIVE_BYTES_PER_MS`) delivers in `idleMs / 2`.
 * So the idle deadline, checked per completed read, still catches a stall (no bytes) within
 * `idleMs` as before, and never fires on a stream that keeps delivering ~200 bytes a second —
 * whatever it did before (a burst then a slow trickle). 1 = read chunk by chunk: until the
 * first token, for the first reads after it, and once the answer has finished (the usage chunk
 * and `[DONE]` follow). Only for endpoints known to end their responses after `[DONE]`
 * (providers/stream-ends.ts): a batch that began before an end that never comes would wait for
 * its bytes until the idle deadline.
 */
export function batchBytes(s: { bytes: number; ms: number; reads: number; idleMs: number }): number {
  if (s.reads < WARM_READS) return 1;
  const byRate = ((s.bytes / Math.max(1, s.ms)) * s.idleMs) / 16;
  const byFloor = (MIN_LIVE_BYTES_PER_MS * s.idleMs) / 2;
  return Math.max(1, Math.min(MAX_BATCH_BYTES, Math.floor(Math.min(byRate, byFloor))));
}
