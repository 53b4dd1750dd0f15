// The openai SDK page: the official `openai` package in the browser, `baseURL` pointed at a
// gateway on another origin, streaming `/v1/chat/completions`. Every call is cross-origin, so the
// browser sends a CORS preflight first (Authorization and the SDK's x-stainless-* headers are not
// CORS-safelisted) and reads the answer only if the gateway's `cors.allowOrigins` lists this page.
import OpenAI from 'openai';
import { clearOutput, form, gatewayExtension, showAnswer, showError, showMeta, showSources, setStatus, type GatewayMeta } from './ui.ts';

/** A chunk as the gateway sends it: standard, plus its own `gateway` field (design §2). */
type GatewayChunk = OpenAI.ChatCompletionChunk & {
  gateway?: GatewayMeta & { sources?: Array<{ n: number; id: string; score: number; source?: string }> };
};

const gatewayInput = document.getElementById('gateway') as HTMLInputElement;
gatewayInput.value = defaultGateway();
const describeOrigins = () => {
  let target = '';
  try {
    target = new URL(gatewayInput.value).origin;
  } catch {
    // not a URL yet
  }
  (document.getElementById('origins') as HTMLElement).textContent =
    `This page: ${location.origin} → gateway: ${target || '?'}` + (target && target !== location.origin ? ' (cross-origin)' : ' (same origin)');
};
gatewayInput.addEventListener('input', describeOrigins);
describeOrigins();

/**
 * `?gateway=` if given; else, on a loopback host, the same port under the other loopback name
 * (localhost ↔ 127.0.0.1: a different origin, so the demo exercises CORS); else this origin.
 */
function defaultGateway(): string {
  const param = new URLSearchParams(location.search).get('gateway');
  if (param) return param.replace(/\/+$/, '');
  const other = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' }[location.hostname];
  return other ? `${location.protocol}//${other}:${location.port}` : location.origin;
}

let controller: AbortController | undefined;

form.root.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = form.question.value.trim();
  if (text) void ask(text);
});

form.stop.addEventListener('click', () => controller?.abort());

async function ask(question: string): Promise<void> {
  clearOutput();
  setStatus('waiting…', true);
  controller = new AbortController();
  const client = new OpenAI({
    apiKey: form.key.value.trim(),
    baseURL: `${gatewayInput.value.replace(/\/+$/, '')}/v1`,
    // The key is the demo tenant's, typed into this page by its user: fine for a demo, never
    // ship a real secret to a browser.
    dangerouslyAllowBrowser: true,
    maxRetries: 0,
  });
  // `gateway` is the gateway's extension; the SDK sends unknown body fields as they are.
  const params = {
    model: form.model.value.trim() || 'auto',
    messages: [{ role: 'user' as const, content: question }],
    stream: true as const,
    stream_options: { include_usage: true },
    gateway: gatewayExtension(),
  };
  let text = '';
  const meta: GatewayMeta = {};
  try {
    const stream = await client.chat.completions.create(params, { signal: controller.signal });
    for await (const chunk of stream as AsyncIterable<GatewayChunk>) {
      if (chunk.gateway) {
        const { sources, ...rest } = chunk.gateway;
        if (sources) showSources(sources.map((s) => ({ title: s.source ?? s.id, detail: `score ${s.score.toFixed(2)}` })));
        Object.assign(meta, rest);
        if (!chunk.gateway.model && chunk.model) meta.model ??= chunk.model;
        showMeta(meta);
      }
      const delta = chunk.choices[0]?.delta.content;
      if (delta) {
        if (!text) setStatus('streaming…', true);
        text += delta;
        showAnswer(text);
      }
    }
    // The SDK's stream ends quietly when its signal aborts (it does not throw there).
    setStatus(controller.signal.aborted ? 'stopped' : 'done', false);
  } catch (err) {
    if (err instanceof OpenAI.APIUserAbortError || controller.signal.aborted) return setStatus('stopped', false);
    showError(err);
    setStatus('error', false);
  }
}
