// What the dashboard reads: the `GET /admin/stats` answer, typed by the code that renders it
// (src/stats/render.ts; a type-only import, so nothing of the worker reaches the bundle and a
// change of shape there fails the pages' typecheck here). A figure without data is null.
export type { SeriesPoint, StatsView } from '../src/stats/render.ts';

export const CACHE_LAYERS = ['memory', 'redis', 'kv', 'semantic'] as const;

/** How the page writes figures: "—" for a figure without data. */
export const fmt = {
  count: (n: number) => n.toLocaleString('en-US'),
  percent: (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)} %`),
  ms: (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} ms`),
  usd: (v: number | null) => (v === null ? '—' : `$${v.toFixed(8)}`),
};

export const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
