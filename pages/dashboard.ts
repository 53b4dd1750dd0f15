// The operator dashboard (`/admin`, public/admin.html): asks `GET /admin/stats?window=…` with the
// admin token the operator types (kept in sessionStorage, so a reload keeps it and closing the tab
// forgets it), every 5 s, and draws the answer. The page itself is static and holds no data.
import { renderCharts, resizeCharts } from './dashboard-charts.ts';
import { renderCanaries, renderTables, renderTiles } from './dashboard-tables.ts';
import type { StatsView } from './stats-view.ts';

const REFRESH_MS = 5000;
const TOKEN_KEY = 'gateway-admin-token';

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const tokenInput = el<HTMLInputElement>('token');
const windowSelect = el<HTMLSelectElement>('window');
const dashboard = el<HTMLDivElement>('dashboard');

let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight: AbortController | undefined;

function setStatus(text: string): void {
  el('status').textContent = text;
}

function setMessage(text: string, kind: 'prompt' | 'error' | '' = ''): void {
  const m = el('message');
  m.textContent = text;
  m.className = kind;
}

/** What the operator should read for an error answer: the status's meaning, then the gateway's words. */
function explain(status: number, body: { error?: { code?: string; message?: string } } | undefined): string {
  const said = body?.error ? ` (${status} ${body.error.code ?? ''}: ${body.error.message ?? ''})` : ` (HTTP ${status})`;
  if (status === 401) return `No admin token reached the gateway: enter it above.${said}`;
  if (status === 403 && body?.error?.code === 'admin_disabled') return `The admin API is off on this gateway.${said}`;
  if (status === 403) return `The admin token was refused: check it and press Show.${said}`;
  if (status === 503) return `The stats store did not answer; the next refresh tries again.${said}`;
  return `The gateway answered ${status}.${said}`;
}

async function refresh(): Promise<void> {
  clearTimeout(timer);
  inFlight?.abort();
  const token = tokenInput.value.trim();
  if (!token) {
    dashboard.hidden = true;
    setStatus('waiting for a token');
    setMessage('Enter the admin token (the ADMIN_TOKEN secret; demo-admin-token under npm start) to see the figures.', 'prompt');
    return;
  }
  const ctrl = (inFlight = new AbortController());
  setStatus('loading…');
  let again = true;
  try {
    const res = await fetch(`/admin/stats?window=${encodeURIComponent(windowSelect.value)}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: ctrl.signal,
    });
    if (res.ok) {
      const view = (await res.json()) as StatsView;
      sessionStorage.setItem(TOKEN_KEY, token);
      setMessage('');
      dashboard.hidden = false;
      renderTiles(view);
      renderTables(view);
      renderCanaries(view);
      // After the tables: the charts take the width the laid-out page gives them.
      renderCharts(view);
      setStatus(`${view.window} window, ${new Date(view.from).toLocaleTimeString()} – ${new Date(view.to).toLocaleTimeString()}; updated ${new Date().toLocaleTimeString()}`);
    } else {
      const body = await res.json().catch(() => undefined);
      setMessage(explain(res.status, body), 'error');
      setStatus(`error ${res.status}`);
      // A missing or wrong token will not get better by asking again; a busy stats store may.
      if (res.status === 401 || res.status === 403) {
        again = false;
        sessionStorage.removeItem(TOKEN_KEY);
        dashboard.hidden = true;
      }
    }
  } catch (err) {
    if (ctrl.signal.aborted) return;
    setMessage(`Could not reach the gateway: ${err instanceof Error ? err.message : String(err)}`, 'error');
    setStatus('error');
  }
  if (again && ctrl === inFlight) timer = setTimeout(refresh, REFRESH_MS);
}

el<HTMLFormElement>('auth').addEventListener('submit', (e) => {
  e.preventDefault();
  void refresh();
});
windowSelect.addEventListener('change', () => void refresh());
window.addEventListener('resize', resizeCharts);

tokenInput.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
void refresh();
