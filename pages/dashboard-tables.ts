// The dashboard's tiles and tables: the window's totals, straight from `/admin/stats`. Every
// figure cell carries `data-figure` (and rows `data-key`), so tests and readers can find it.
import { CACHE_LAYERS, fmt, sum, type StatsView } from './stats-view.ts';

type Cell = string | { text: string; className?: string; figure?: string };

function cell(tag: 'td' | 'th', c: Cell): HTMLElement {
  const el = document.createElement(tag);
  if (typeof c === 'string') el.textContent = c;
  else {
    el.textContent = c.text;
    if (c.className) el.className = c.className;
    if (c.figure) el.dataset.figure = c.figure;
  }
  return el;
}

/** A table with a header row and one row per `[key, cells]`; `empty` when there are none. */
function table(id: string, head: string[], rows: Array<[string, Cell[]]>, empty = 'none in this window'): void {
  const el = document.getElementById(id) as HTMLTableElement;
  const thead = document.createElement('thead');
  thead.append(row(head.map((h) => cell('th', h))));
  const tbody = document.createElement('tbody');
  for (const [key, cells] of rows) {
    const tr = row(cells.map((c, i) => cell(i === 0 ? 'th' : 'td', c)));
    tr.dataset.key = key;
    tbody.append(tr);
  }
  if (rows.length === 0) {
    const td = cell('td', { text: empty, className: 'empty' });
    (td as HTMLTableCellElement).colSpan = head.length;
    tbody.append(row([td]));
  }
  el.replaceChildren(thead, tbody);
}

function row(cells: HTMLElement[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.append(...cells);
  return tr;
}

const byCount = (m: Record<string, number>) => Object.entries(m).sort(([, a], [, b]) => b - a);

export function renderTiles(v: StatsView): void {
  const rejected = sum(v.ratelimit.rejected);
  const tiles: Array<[figure: string, label: string, value: string, warn?: boolean]> = [
    ['requests', 'requests', fmt.count(v.requests)],
    ['error-rate', 'error rate', fmt.percent(v.error_rate), (v.error_rate ?? 0) > 0.05],
    ['errors', 'errors', fmt.count(sum(v.errors))],
    ['rejected', 'rate-limited (429)', fmt.count(rejected), rejected > 0],
    ['ttft-p95', 'TTFT p95', fmt.ms(v.ttft_ms.p95)],
    ['hit-rate', 'cache hit rate', fmt.percent(v.cache.hit_rate)],
    ['cost-total', 'cost, total', fmt.usd(v.cost.total_usd)],
    ['cost-per-request', 'cost per request', fmt.usd(v.cost.per_request_usd)],
    ['cost-per-task', 'cost per successful task', fmt.usd(v.cost.per_successful_task_usd)],
    ['tasks', 'tasks ok / failed', `${fmt.count(v.cost.tasks_succeeded)} / ${fmt.count(v.cost.tasks_failed)}`],
  ];
  (document.getElementById('tiles') as HTMLElement).replaceChildren(
    ...tiles.map(([figure, label, value, warn]) => {
      const tile = document.createElement('div');
      tile.className = warn ? 'tile warn' : 'tile';
      const b = document.createElement('b');
      b.dataset.figure = figure;
      b.textContent = value;
      const span = document.createElement('span');
      span.textContent = label;
      tile.append(b, span);
      return tile;
    }),
  );
}

export function renderTables(v: StatsView): void {
  // Budgeted stages first, then the rest by name; `total` last.
  const stages = Object.entries(v.stages).sort(([a, x], [b, y]) =>
    Number(y.slo_ms !== undefined) - Number(x.slo_ms !== undefined) || Number(a === 'total') - Number(b === 'total') || a.localeCompare(b),
  );
  table('stages', ['stage', 'count', 'p50', 'p95', 'p99', 'SLO', ''], stages.map(([name, s]) => [name, [
    name, fmt.count(s.count), fmt.ms(s.p50), { text: fmt.ms(s.p95), figure: 'p95' }, fmt.ms(s.p99),
    s.slo_ms === undefined ? '' : fmt.ms(s.slo_ms),
    s.slo_ms === undefined ? '' : s.breached ? { text: 'breached', className: 'bad', figure: 'slo' } : { text: 'ok', className: 'good', figure: 'slo' },
  ]]));

  table('breakers', ['endpoint', 'state'], Object.entries(v.breakers).sort(([a], [b]) => a.localeCompare(b)).map(([id, state]) => [id, [
    id, { text: state, className: `state ${state === 'closed' ? 'good' : state === 'open' ? 'bad' : 'mid'}`, figure: 'state' },
  ]]), 'no endpoint called in this window');

  table('errors', ['code', 'requests'], byCount(v.errors).map(([code, n]) => [code, [code, { text: fmt.count(n), figure: 'count' }]]));

  const lanes = [...new Set([...Object.keys(v.ratelimit.rejected), ...Object.keys(v.ratelimit.shed)])].sort();
  table('ratelimit', ['lane', 'rejected (429)', 'shed (503)'], lanes.map((lane) => [lane, [
    lane, { text: fmt.count(v.ratelimit.rejected[lane] ?? 0), figure: 'rejected' }, fmt.count(v.ratelimit.shed[lane] ?? 0),
  ]]), 'no request refused');

  table('cache', ['layer', 'hits', 'share of lookups'], [
    ...CACHE_LAYERS.map((l): [string, Cell[]] => [l, [l, { text: fmt.count(v.cache.hits[l]), figure: 'hits' }, { text: fmt.percent(v.cache.by_layer[l]), figure: 'share' }]]),
    ['miss', ['miss', fmt.count(v.cache.misses), '']],
    ['bypass', ['bypassed', fmt.count(v.cache.bypassed), '']],
  ]);

  const c = v.contracts;
  table('contracts', ['checked', 'parse errors', 'repaired', 're-asked'], [['all', [
    fmt.count(c.checked), fmt.percent(c.parse_error_rate), fmt.percent(c.repair_rate), fmt.percent(c.reask_rate),
  ]]]);

  table('models', ['model', 'requests', 'errors', 'error rate', 'TTFT p95', 'tokens in / out', 'cost'], byRequests(v.by_model).map(([id, m]) => [id, [
    id, { text: fmt.count(m.requests), figure: 'requests' }, fmt.count(m.errors), fmt.percent(m.error_rate), fmt.ms(m.ttft_ms.p95),
    `${fmt.count(m.tokens.prompt)} / ${fmt.count(m.tokens.completion)}`, fmt.usd(m.cost_usd),
  ]]));

  table('tenants', ['tenant', 'requests', 'errors', 'rate-limited', 'cache hits', 'cost'], byRequests(v.by_tenant).map(([id, t]) => [id, [
    id, { text: fmt.count(t.requests), figure: 'requests' }, fmt.count(t.errors), fmt.count(t.rejected), fmt.count(t.cache_hits), fmt.usd(t.cost_usd),
  ]]));
}

/** Each canary twice: its control and candidate rows side by side, the state (and why) on both. */
export function renderCanaries(v: StatsView): void {
  const rows: Array<[string, Cell[]]> = [];
  for (const [id, c] of Object.entries(v.canaries).sort(([a], [b]) => a.localeCompare(b))) {
    const tone = c.state === 'rolled_back' ? 'bad' : c.state === 'promoted' ? 'good' : 'mid';
    for (const side of ['control', 'candidate'] as const) {
      const a = c[side];
      rows.push([`${id}:${side}`, [
        `${id} ${side === 'control' ? c.from : c.to}`, side,
        { text: c.reason ? `${c.state} (${c.reason})` : c.state, className: `state ${tone}`, figure: 'state' },
        { text: fmt.count(a.requests), figure: 'requests' }, fmt.percent(a.error_rate), fmt.ms(a.p95_ms), fmt.percent(a.refusal_rate),
        fmt.percent(a.parse_error_rate), fmt.usd(a.cost_per_success_usd),
      ]]);
    }
  }
  table('canaries', ['canary', 'side', 'state', 'requests', 'error rate', 'p95', 'refusals', 'parse errors', 'cost per success'], rows, 'no canary configured');
}

const byRequests = <T extends { requests: number }>(m: Record<string, T>) => Object.entries(m).sort(([, a], [, b]) => b.requests - a.requests);
