// Deterministic retrieval results, rerankings and tool results for the simulated origin.
import { hash32, loremWords } from './text.ts';

export const INDEX_VERSION = 'idx-2026-11-01';
export const EMBEDDING_MODEL = 'sim-embed-1';
export const DEFAULT_TOP_K = 5;

export interface Chunk {
  id: string;
  text: string;
  score: number;
  source: string;
  embeddingModel: string;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The same query against another index version (a re-embedded copy): about a quarter of the
 * ranks hold other documents and every score moves a little — deterministically, by version and
 * rank — so overlap@k and score drift between two versions are known numbers.
 */
export function retrieveVersion(query: string, topK: number, version: string | undefined): Chunk[] {
  const live = retrieveChunks(query, topK);
  if (!version || version === INDEX_VERSION) return live;
  return live.map((c, i) => {
    const h = hash32(`${version}:${query}:${i}`);
    const moved = round2(Math.min(1, Math.max(0.01, c.score + ((h % 7) - 3) / 100)));
    const swapped = h % 4 === 0 && i !== topK - 1;
    return { ...c, ...(swapped ? { id: `${c.id}-${version}`, text: `${c.text} (${version})` } : {}), score: moved, embeddingModel: `${EMBEDDING_MODEL}@${version}` };
  });
}

/**
 * `topK` chunks for a query, scores 0.9, 0.85, ... The last one (when topK >= 2) repeats the
 * first chunk's id, text and source, as overlapping shards do, so deduplication can be tested.
 */
export function retrieveChunks(query: string, topK: number = DEFAULT_TOP_K): Chunk[] {
  const key = hash32(query).toString(16).padStart(8, '0');
  const slug = query.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'index';
  const chunks: Chunk[] = [];
  for (let i = 0; i < topK; i++) {
    const score = Math.max(0.01, round2(0.9 - 0.05 * i));
    const dup = i === topK - 1 && topK >= 2 ? chunks[0] : undefined;
    if (dup) {
      chunks.push({ ...dup, score });
      continue;
    }
    const words = 60 + (hash32(`${key}:${i}`) % 61);
    const intro = `Passage ${i + 1} about ${query || 'the index'}:`.split(' ');
    const text = intro.concat(loremWords(`${key}:${i}`, Math.max(0, words - intro.length))).join(' ') + '.';
    chunks.push({ id: `doc-${key}-${i}`, text, score, source: `https://docs.example.com/${slug}/${i}`, embeddingModel: EMBEDDING_MODEL });
  }
  return chunks;
}

/** Reverses the order and gives new descending scores 0.95, 0.9, ...; other fields kept. */
export function rerankChunks(chunks: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return [...chunks].reverse().map((chunk, i) => ({ ...chunk, score: Math.max(0.01, round2(0.95 - 0.05 * i)) }));
}

export interface ToolResult {
  tool: string;
  tenant: string | null;
  echo: unknown;
  /** A stable number derived from the tool name and arguments. */
  value: number;
}

/** Response bodies of the origin's routes. */
export interface RetrieveResponse {
  chunks: Chunk[];
  indexVersion: string;
}
export interface RerankResponse {
  chunks: Record<string, unknown>[];
}
export interface ToolResponse {
  result: ToolResult;
}

export function toolResult(tool: string, tenant: string | null, args: unknown): ToolResult {
  return { tool, tenant, echo: args, value: hash32(`${tool}\n${JSON.stringify(args) ?? ''}`) % 1000 };
}
