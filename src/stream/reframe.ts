import type { Usage } from '../telemetry/trace';
import type { ChatChunk, ChunkChoice } from './types';
import { choiceCarries } from './upstream-event';

/** Fields of an upstream chunk the gateway sets itself; usage is held back for the final chunk. */
const ENVELOPE = new Set(['id', 'object', 'created', 'model', 'choices', 'usage']);

/**
 * Re-frames upstream chunks as the gateway's own `chat.completion.chunk` events: one id, one
 * `created` and the catalog's model id for the whole stream, starting with the role chunk the
 * gateway sends before the upstream has answered. The upstream's own role announcement and empty
 * deltas are dropped (the client already has the role); every other field passes as it came;
 * usage is held back for the final chunk.
 */
export class Reframer {
  constructor(
    readonly id: string,
    readonly created: number,
    readonly model: string,
  ) {}

  /**
   * The early first chunk: `delta.role = "assistant"` for each of the `n` choices (clients such as
   * openai-node need every choice's role), plus gateway metadata as an extra field. No `content`:
   * the answer may be a tool call or a refusal, whose content stays null.
   */
  head(gateway: Record<string, unknown>, n = 1): string {
    const choices = [];
    for (let index = 0; index < n; index++) choices.push({ index, delta: { role: 'assistant' }, logprobs: null, finish_reason: null });
    return JSON.stringify({ ...this.envelope(), choices, gateway });
  }

  /** A metadata-only chunk: an empty delta, gateway fields beside it (the SDK ignores them). */
  meta(gateway: Record<string, unknown>): string {
    return JSON.stringify({ ...this.envelope(), choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: null }], gateway });
  }

  /** The client-facing JSON for an upstream chunk, or undefined when it carries nothing new. */
  chunk(upstream: ChatChunk): string | undefined {
    const choices: ChunkChoice[] = [];
    for (const choice of upstream.choices) {
      if (!choiceCarries(choice)) continue;
      const { role: _role, ...delta } = choice.delta;
      choices.push({ ...choice, delta });
    }
    if (choices.length === 0) return undefined;
    const out: Record<string, unknown> = this.envelope();
    // `__proto__` (an own key after JSON.parse) would set `out`'s prototype, not a field.
    for (const key in upstream) if (!ENVELOPE.has(key) && key !== '__proto__') out[key] = upstream[key];
    out.choices = choices;
    return JSON.stringify(out);
  }

  /** The closing usage chunk (`choices: []`), sent when the client asked for `include_usage`. */
  usage(usage: Usage, gateway: Record<string, unknown>): string {
    return JSON.stringify({ ...this.envelope(), choices: [], usage, gateway });
  }

  private envelope(): Record<string, unknown> {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }
}
