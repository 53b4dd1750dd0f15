import type { Usage } from '../telemetry/trace';
import type { ChatChunk } from './types';

interface AssembledToolCall {
  id?: string;
  type: string;
  function: { name: string; arguments: string };
}

interface AssembledChoice {
  index: number;
  message: { role: 'assistant'; content: string | null; refusal: string | null; tool_calls?: AssembledToolCall[] };
  finish_reason: string | null;
  logprobs: null;
}

/**
 * Folds a streamed answer into one `chat.completion` object, the shape a non-streaming client
 * expects: text, refusals and tool calls (by index, arguments concatenated) per choice.
 */
export class CompletionAssembler {
  private readonly choices = new Map<number, AssembledChoice & { toolCalls: Map<number, AssembledToolCall> }>();
  private fingerprint?: string;
  usage?: Usage;

  add(chunk: ChatChunk): void {
    if (chunk.system_fingerprint) this.fingerprint = chunk.system_fingerprint;
    if (chunk.usage) this.usage = chunk.usage;
    for (const c of chunk.choices) {
      const choice = this.choice(c.index ?? 0);
      const d = c.delta ?? {};
      if (typeof d.content === 'string') choice.message.content = (choice.message.content ?? '') + d.content;
      if (typeof d.refusal === 'string') choice.message.refusal = (choice.message.refusal ?? '') + d.refusal;
      for (const t of d.tool_calls ?? []) {
        const call = choice.toolCalls.get(t.index) ?? { type: 'function', function: { name: '', arguments: '' } };
        if (t.id) call.id = t.id;
        if (t.type) call.type = t.type;
        if (t.function?.name) call.function.name += t.function.name;
        if (t.function?.arguments) call.function.arguments += t.function.arguments;
        choice.toolCalls.set(t.index, call);
      }
      if (c.finish_reason) choice.finish_reason = c.finish_reason;
    }
  }

  /** The text of every choice so far (for usage estimates). */
  text(): string {
    return [...this.choices.values()].map((c) => c.message.content ?? '').join('');
  }

  result(id: string, created: number, model: string): Record<string, unknown> {
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map(({ toolCalls, ...choice }) => {
        if (toolCalls.size) choice.message.tool_calls = [...toolCalls.entries()].sort(([a], [b]) => a - b).map(([, t]) => t);
        return choice;
      });
    const out: Record<string, unknown> = { id, object: 'chat.completion', created, model, choices, usage: this.usage ?? null };
    if (this.fingerprint) out.system_fingerprint = this.fingerprint;
    return out;
  }

  private choice(index: number) {
    let choice = this.choices.get(index);
    if (!choice) {
      choice = {
        index,
        message: { role: 'assistant', content: null, refusal: null },
        finish_reason: null,
        logprobs: null,
        toolCalls: new Map(),
      };
      this.choices.set(index, choice);
    }
    return choice;
  }
}
