/**
 * Reads a byte stream into one reused buffer, chunk by chunk or in batches. A fetch body in
 * workerd is a byte stream: its BYOB reader fills the buffer it is given, so a read allocates no
 * new ArrayBuffer (the default reader allocates one per chunk — per token, on an upstream SSE
 * body), and `readAtLeast` waits for several chunks in one read. Each read the script sees costs
 * the runtime tens of µs (bench/profile.ts): a JSON answer of 23 chunks is read in 3, and the
 * request's CPU fell by about a quarter (docs/design-notes.md, "Speed"). Streams without BYOB support (a JS-built ReadableStream) are
 * read chunk by chunk with the default reader.
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
      const r = batches && atLeast > 1 ? await byob.readAtLeast(Math.min(atLeast, BUFFER_BYTES), view) : await byob.read(view);
      // The read transferred the buffer; the chunk's view holds it now, and the next read reuses it.
      if (r.value) buffer = r.value.buffer as ArrayBuffer;
      if (r.value?.byteLength) return { done: false, value: r.value };
      return { done: true, value: undefined };
    },
    cancel: (reason) => byob.cancel(reason),
  };
}

/**
 * How many bytes to wait for in one read of a stream nobody watches live (an answer the client
 * gets as one JSON body), so that at the rate seen so far the batch fills within an eighth of
 * the idle deadline: the deadline, checked per read, then still catches a stalled stream within
 * `idleMs`, and fires on a flowing one only if it slows more than eightfold for a whole `idleMs`.
 * The rate counts from the stream's start, the wait for the first token included, so it starts
 * low (small batches) and grows as the answer flows. 1 = read chunk by chunk.
 */
export function batchBytes(bytesSoFar: number, msSoFar: number, idleMs: number): number {
  const rate = bytesSoFar / Math.max(1, msSoFar);
  return Math.max(1, Math.min(MAX_BATCH_BYTES, Math.floor((rate * idleMs) / 8)));
}
