import type { ChatRequest } from '../chat-request';
import type { ModelConfig } from '../config';
import { contextLengthExceeded, maxTokensTooLarge } from '../errors';
import { promptTokens } from '../telemetry/tokens';

const OUTPUT_FIELDS = ['max_tokens', 'max_completion_tokens'] as const;

/**
 * Holds the request to the chosen model's limits before anything is sent or flushed, so the
 * common refusals get their real status on streams too (design §2): a prompt that cannot fit the
 * context window is a 400 `context_length_exceeded`; an output limit over what the model can
 * write (`maxOutputTokens`, else the context window) or than the window has room for is refused
 * when the client named the model, and clamped when the gateway chose it (`auto`, `small`,
 * `large`): the client could not know that model's limits. Mutates `chat` when clamping.
 */
export function fitToModel(chat: ChatRequest, model: ModelConfig, clientChose: boolean): void {
  const prompt = promptTokens(chat.messages);
  if (prompt >= model.contextWindow) throw contextLengthExceeded(model.id, model.contextWindow, prompt);
  const room = model.contextWindow - prompt;
  const cap = Math.min(model.maxOutputTokens ?? model.contextWindow, room);
  for (const field of OUTPUT_FIELDS) {
    const asked = chat[field];
    if (typeof asked !== 'number' || asked <= cap) continue;
    if (!clientChose) chat[field] = cap;
    else if (asked > (model.maxOutputTokens ?? model.contextWindow)) throw maxTokensTooLarge(field, model.id, model.maxOutputTokens ?? model.contextWindow);
    else throw contextLengthExceeded(model.id, model.contextWindow, prompt, asked);
  }
}
