import type { Chunk } from './context-pack';
import type { FanoutResult } from './fanout';

/**
 * The system prompt the provider sees: the rendered template, then the packed context (numbered
 * for [n] citations), then tool results — with an explicit note for each part that is missing, so
 * the model neither invents context nor a tool's answer.
 */
export function systemPrompt(preamble: string, fanout: FanoutResult | undefined): string {
  const parts = [preamble];
  if (fanout?.retrievalAsked) parts.push(contextSection(fanout.retrieval?.context.chunks));
  if (fanout?.tools.length) parts.push(toolSection(fanout.tools));
  return parts.join('\n\n');
}

function contextSection(chunks: readonly Chunk[] | undefined): string {
  if (!chunks) {
    return '## Context\nRetrieved context is unavailable for this request: the search did not answer in time. Answer from what you know, and say that you could not check the sources.';
  }
  if (chunks.length === 0) return '## Context\nThe search found nothing relevant.';
  const lines = chunks.map((c, i) => `[${i + 1}]${c.source ? ` (${c.source})` : ''} ${c.text}`);
  return `## Context\n${lines.join('\n\n')}`;
}

function toolSection(tools: FanoutResult['tools']): string {
  const lines = tools.map((t) =>
    t.ok
      ? `### ${t.name}\n${JSON.stringify(t.result)}`
      : `### ${t.name}\nUnavailable: the tool ${t.failure === 'timeout' ? 'did not answer in time' : 'failed'}. Do not guess its result.`,
  );
  return `## Tool results\n${lines.join('\n\n')}`;
}

/** The sources a client sees, in citation order. */
export function sourcesOf(fanout: FanoutResult): Array<{ n: number; id: string; score: number; source?: string }> {
  return (fanout.retrieval?.context.chunks ?? []).map((c, i) => ({ n: i + 1, id: c.id, score: c.score, source: c.source }));
}
