// The DOM both pages share: the form, the sources list, the answer, the request's metadata.

/** What the gateway says about a request (the `/v1/chat` message metadata; `gateway` on chunks). */
export interface GatewayMeta {
  request_id?: string;
  trace_id?: string;
  model?: string;
  tier?: string;
  endpoint?: string;
  cache?: string;
  degraded?: string[];
  cost_usd?: number;
}

export interface Source {
  title: string;
  detail?: string;
}

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export const form = {
  root: el<HTMLFormElement>('ask'),
  key: el<HTMLInputElement>('key'),
  model: el<HTMLInputElement>('model'),
  retrieval: el<HTMLInputElement>('retrieval'),
  question: el<HTMLTextAreaElement>('question'),
  send: el<HTMLButtonElement>('send'),
  stop: el<HTMLButtonElement>('stop'),
};

/** The `gateway` extension the pages send: retrieval from the origin when the box is ticked. */
export const gatewayExtension = () => (form.retrieval.checked ? { retrieval: { topK: 4 } } : {});

/** `busy` disables Send and enables Stop; the status line says what is happening. */
export function setStatus(text: string, busy: boolean): void {
  el('status').textContent = text;
  form.send.disabled = busy;
  form.stop.disabled = !busy;
}

export function clearOutput(): void {
  el('sources').replaceChildren();
  el('answer').textContent = '';
  el('meta').replaceChildren();
  el('error').textContent = '';
}

export function showSources(sources: readonly Source[]): void {
  el('sources').replaceChildren(
    ...sources.map(({ title, detail }) => {
      const li = document.createElement('li');
      li.textContent = title;
      if (detail) {
        const small = document.createElement('span');
        small.className = 'score';
        small.textContent = ` ${detail}`;
        li.append(small);
      }
      return li;
    }),
  );
}

export function showAnswer(text: string): void {
  el('answer').textContent = text;
}

/** Model, tier, cache, cost and ids, in that order, only those present. */
export function showMeta(meta: GatewayMeta): void {
  const rows: Array<[string, string | undefined]> = [
    ['model', meta.model],
    ['tier', meta.tier],
    ['endpoint', meta.endpoint],
    ['cache', meta.cache],
    ['degraded', meta.degraded?.length ? meta.degraded.join(', ') : undefined],
    ['cost', meta.cost_usd === undefined ? undefined : `$${meta.cost_usd.toFixed(8)}`],
    ['trace id', meta.trace_id],
    ['request id', meta.request_id],
  ];
  el('meta').replaceChildren(
    ...rows.flatMap(([name, value]) => {
      if (value === undefined) return [];
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.dataset.field = name.replace(' ', '-');
      dd.textContent = value;
      return [dt, dd];
    }),
  );
}

/** An error's message; an OpenAI-style error body (`{"error": {"message", "code"}}`) is unwrapped. */
export function showError(err: unknown): void {
  let text = err instanceof Error ? err.message : String(err);
  try {
    const body = JSON.parse(text) as { error?: { message?: string; code?: string } };
    if (body.error?.message) text = `${body.error.code ?? 'error'}: ${body.error.message}`;
  } catch {
    // not JSON: shown as it is
  }
  el('error').textContent = text;
}
