import type { Usage } from '../telemetry/trace';
import type { ChatChunk, ChunkChoice } from './types';

/**
 * Re-frames upstream chunks as the gateway's own `chat.completion.chunk` events: one id, one
 * `created` and the catalog's model id for the whole stream, starting with the role chunk the
 * gateway sends before the upstream has answered. The upstream's own role announcement and empty
 * deltas are dropped (the client already has the role); usage is held back for the final chunk.
 */
export class Reframer {
  constructor(
    readonly id: string,
    readonly created: number,
    readonly model: string,
  ) {}

  /** The early first chunk: `delta.role = "assistant"`, plus gateway metadata as an extra field. */
  head(gateway: Record<string, unknown>): string {
    return JSON.stringify({
      ...this.envelope(),
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      gateway,
    });
  }

  /** A metadata-only chunk: an empty delta, gateway fields beside it (the SDK ignores them). */
  meta(gateway: Record<string, unknown>): string {
    return JSON.stringify({ ...this.envelope(), choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: null }], gateway });
  }

  /** The client-facing JSON for an upstream chunk, or undefined when it carries nothing new. */
  chunk(upstream: ChatChunk): string | undefined {
    const choices: ChunkChoice[] = [];
    for (const choice of upstream.choices) {
      const { role: _role, ...delta } = choice.delta ?? {};
      if (!carriesSomething(delta) && choice.finish_reason == null && choice.logprobs == null) continue;
      choices.push({ ...choice, delta });
    }
    if (choices.length === 0) return undefined;
    const out: Record<string, unknown> = { ...this.envelope(), choices };
    if (upstream.system_fingerprint) out.system_fingerprint = upstream.system_fingerprint;
    return JSON.stringify(out);
  }

  /** The closing usage chunk (`choices: []`), sent when the client asked for `include_usage`. */
  usage(usage: Usage, gateway: Record<string, unknown>): string {
    return JSON.stringify({ ...this.envelope(), choices: [], usage, gateway });
  }

  private envelope() {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }
}

function carriesSomething(delta: Record<string, unknown>): boolean {
  for (const value of Object.values(delta)) {
    if (value != null && value !== '' && !(Array.isArray(value) && value.length === 0)) return true;
  }
  return false;
}
