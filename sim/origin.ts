// A simulated RAG origin: retrieval, reranking and tools, with injectable faults.
import { errorBody, isRecord, parseJson, sendJson } from './http.ts';
import { FaultTable, gate } from './faults.ts';
import type { BaseFaults } from './faults.ts';
import { DEFAULT_TOP_K, INDEX_VERSION, rerankChunks, retrieveVersion, toolResult } from './documents.ts';
import { startSimServer } from './server.ts';
import type { BaseCall, Exchange, ListenOptions, SimServer, Track } from './server.ts';

/** Default latency per route kind; a `latencyMs` fault replaces it. */
export const ORIGIN_LATENCY_MS = { retrieve: 40, rerank: 20, tools: 60 } as const;

export interface OriginFaults extends BaseFaults {
  /** Retrieval answers half its chunks from another embedding model (a half-migrated index). */
  mixedEmbeddings?: boolean;
}

export interface OriginCall extends BaseCall {
  /** "retrieve", "rerank" or "tools/<name>". */
  route: string;
  /** The parsed request body (null if it was not JSON). */
  body: unknown;
  /** The W3C traceparent the caller propagated, if any. */
  traceparent: string | null;
}

/** `setFaults(route)` takes "retrieve", "rerank", "tools/<name>", or "tools" for every tool. */
export type SimOrigin = SimServer<OriginFaults, OriginCall>;

const FAILURES: (keyof OriginFaults)[] = ['status', 'retryAfter', 'hang', 'hold'];

const ROUTE = /^\/(retrieve|rerank|tools\/([^/]+))$/;

type Answer = { status: 200; body: unknown } | { status: 400; message: string };

export async function startOrigin(opts: ListenOptions = {}): Promise<SimOrigin> {
  const faults = new FaultTable<OriginFaults>(FAILURES);

  async function handle(ex: Exchange, track: Track<OriginCall>): Promise<boolean> {
    const match = ROUTE.exec(ex.url.pathname);
    if (!match) return false;
    if (ex.req.method !== 'POST') {
      sendJson(ex.res, 405, errorBody(405, `Method ${ex.req.method} not allowed`));
      return true;
    }
    const tool = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const route = tool === undefined ? match[1]! : `tools/${tool}`;
    const parsed = parseJson(ex.body);
    track({ route, body: parsed.ok ? parsed.value : null, traceparent: (ex.req.headers.traceparent as string | undefined) ?? null });
    const answer: Answer = parsed.ok ? respond(route, tool, parsed.value) : { status: 400, message: parsed.message };
    if (answer.status === 400) {
      sendJson(ex.res, 400, errorBody(400, answer.message));
      return true;
    }

    // A tool without faults of its own falls back to the faults set for all tools.
    const scope = tool !== undefined && !faults.has(route) && faults.has('tools') ? 'tools' : route;
    const f = faults.take(scope);
    const kind = tool === undefined ? (route as 'retrieve' | 'rerank') : 'tools';
    if (await gate(ex.res, ex.signal, faults, scope, f, f.latencyMs ?? ORIGIN_LATENCY_MS[kind])) return true;
    if (f.mixedEmbeddings && route === 'retrieve') {
      const body = answer.body as { chunks: Array<{ embeddingModel: string }> };
      body.chunks.forEach((c, i) => i % 2 && (c.embeddingModel = 'sim-embed-0-legacy'));
    }
    sendJson(ex.res, 200, answer.body);
    return true;
  }

  return startSimServer(opts, faults, handle);
}

/** The answer for a route, computed before the faults so a bad request is refused at once. */
function respond(route: string, tool: string | undefined, body: unknown): Answer {
  if (!isRecord(body)) return { status: 400, message: 'Request body must be a JSON object.' };
  const tenant = typeof body.tenant === 'string' ? body.tenant : null;
  if (tool !== undefined) return { status: 200, body: { result: toolResult(tool, tenant, body.arguments ?? {}) } };
  if (route === 'retrieve') {
    if (typeof body.query !== 'string') return { status: 400, message: "'query' must be a string." };
    const topK = body.topK ?? DEFAULT_TOP_K;
    if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1 || topK > 100) {
      return { status: 400, message: "'topK' must be an integer from 1 to 100." };
    }
    const version = typeof body.indexVersion === 'string' ? body.indexVersion : undefined;
    return { status: 200, body: { chunks: retrieveVersion(body.query, topK, version), indexVersion: version ?? INDEX_VERSION } };
  }
  const chunks = body.chunks;
  if (!Array.isArray(chunks) || !chunks.every(isRecord)) return { status: 400, message: "'chunks' must be an array of objects." };
  return { status: 200, body: { chunks: rerankChunks(chunks) } };
}
