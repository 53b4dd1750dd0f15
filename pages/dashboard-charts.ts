// The dashboard's charts over time, drawn with uPlot (small, fast, canvas; bundled with its CSS by
// scripts/build-pages.ts) from `series`: one point per 10 s bucket of the window, oldest first.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { CACHE_LAYERS, type SeriesPoint, type StatsView } from './stats-view.ts';

const PALETTE = ['#2b59c3', '#d9480f', '#2f9e44', '#9c36b5', '#8d5524', '#0c8599', '#c2255c', '#5c940d', '#364fc7', '#868e96'];

interface Line {
  label: string;
  values: Array<number | null>;
  color: string;
  dash?: boolean;
  /** Drawn at first; otherwise listed in the legend, a click away. */
  shown?: boolean;
}

type Unit = 'ms' | 'count' | 'share' | 'usd';

const format: Record<Unit, (v: number) => string> = {
  ms: (v) => `${+v.toFixed(1)} ms`,
  count: (v) => `${Math.round(v)}`,
  share: (v) => `${+(v * 100).toFixed(1)} %`,
  usd: (v) => `$${v.toPrecision(3)}`,
};

const axisFormat: Record<Unit, (v: number) => string> = {
  ...format,
  ms: (v) => `${+v.toFixed(1)}`,
  usd: (v) => (v === 0 ? '$0' : `$${v.toExponential(1)}`),
};

/** Counts, shares and costs start at 0; an empty chart still gets an axis. */
function range(unit: Unit): uPlot.Range.Function {
  return (_u, _min, max) => {
    if (unit === 'share') return [0, 1];
    const top = max === null || !Number.isFinite(max) || max <= 0 ? (unit === 'usd' ? 0.00001 : 1) : max * 1.15;
    return [0, top];
  };
}

/** One uPlot per chart element; redrawn in place while its lines stay the same. */
const plots = new Map<HTMLElement, { key: string; plot: uPlot }>();

function draw(name: string, unit: Unit, xs: number[], lines: Line[]): void {
  const figure = document.querySelector<HTMLElement>(`[data-chart="${name}"]`)!;
  const target = figure.querySelector<HTMLElement>('.plot')!;
  const data: uPlot.AlignedData = [xs, ...lines.map((l) => l.values)];
  const key = `${unit}|${lines.map((l) => l.label).join('|')}`;
  const existing = plots.get(target);
  if (existing?.key === key) {
    existing.plot.setData(data);
    return;
  }
  existing?.plot.destroy();
  const opts: uPlot.Options = {
    width: target.clientWidth || 480,
    height: 200,
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: range(unit) } },
    axes: [
      { stroke: '#667085', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d0d5dd' } },
      { stroke: '#667085', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d0d5dd' }, size: 64, values: (_u, vals) => vals.map((v) => axisFormat[unit](v)) },
    ],
    series: [
      { label: 'time', value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleTimeString()) },
      ...lines.map((l): uPlot.Series => ({
        label: l.label,
        stroke: l.color,
        width: l.dash ? 1.5 : 2,
        show: l.shown ?? true,
        ...(l.dash ? { dash: [6, 4] } : {}),
        points: { show: xs.length <= 60, size: 4 },
        spanGaps: false,
        value: (_u, v) => (v === null || v === undefined ? '—' : format[unit](v)),
      })),
    ],
  };
  plots.set(target, { key, plot: new uPlot(opts, data, target) });
}

/** Keeps the charts as wide as their boxes. */
export function resizeCharts(): void {
  for (const [target, { plot }] of plots) plot.setSize({ width: target.clientWidth || 480, height: 200 });
}

export function renderCharts(v: StatsView): void {
  const s = v.series;
  const xs = s.map((p) => p.t / 1000);
  const col = (f: (p: SeriesPoint) => number | null | undefined) => s.map((p) => f(p) ?? null);
  const color = (i: number) => PALETTE[i % PALETTE.length]!;

  // Stages seen in the window, budgeted ones first; each budget a dashed line in its stage's colour.
  // Drawn: the budgeted stages and `total`; the rest (a dozen spans) wait in the legend.
  const names = [...new Set([...Object.keys(v.stages), ...s.flatMap((p) => Object.keys(p.stages_p95_ms))])]
    .filter((n) => v.stages[n]?.slo_ms !== undefined || s.some((p) => p.stages_p95_ms[n] != null))
    .sort((a, b) => Number(v.stages[b]?.slo_ms !== undefined) - Number(v.stages[a]?.slo_ms !== undefined) || a.localeCompare(b));
  draw('stages', 'ms', xs, names.flatMap((n, i): Line[] => {
    const slo = v.stages[n]?.slo_ms;
    const line: Line = { label: n, values: col((p) => p.stages_p95_ms[n]), color: color(i), shown: slo !== undefined || n === 'total' };
    return slo === undefined ? [line] : [line, { label: `${n} SLO`, values: s.map(() => slo), color: color(i), dash: true }];
  }));

  draw('ttft', 'ms', xs, [
    { label: 'TTFT p95', values: col((p) => p.ttft_p95_ms), color: color(0) },
    { label: 'provider TTFT p95', values: col((p) => p.stages_p95_ms.provider_ttft), color: color(1) },
  ]);

  draw('cache', 'share', xs, [
    { label: 'all layers', values: col((p) => p.hit_rate), color: '#1d2330' },
    ...CACHE_LAYERS.map((l, i): Line => ({ label: l, values: col((p) => p.hit_rate_by_layer[l]), color: color(i + 1) })),
  ]);

  const lanes = [...new Set(s.flatMap((p) => Object.keys(p.rejected)))].sort();
  draw('traffic', 'count', xs, [
    { label: 'requests', values: col((p) => p.requests), color: color(0) },
    { label: 'errors', values: col((p) => p.errors), color: '#b42318' },
    ...lanes.map((lane, i): Line => ({ label: `429 ${lane}`, values: col((p) => p.rejected[lane] ?? 0), color: color(i + 3), dash: true })),
  ]);

  draw('cost', 'usd', xs, [
    { label: 'per request', values: col((p) => p.cost_per_request_usd), color: color(0) },
    { label: 'per successful task', values: col((p) => p.cost_per_successful_task_usd), color: color(2) },
  ]);
}
