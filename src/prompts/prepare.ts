import type { ChatRequest } from '../chat-request';
import { providerBody } from '../chat-request';
import { systemPrompt } from '../fanout/augment';
import type { FanoutResult } from '../fanout/fanout';
import { sha256Hex } from '../util/sha256';
import { findPrompt, renderTemplate } from './render';
import { DEFAULT_PROMPT, type PromptTemplate } from './templates';

export interface PromptPlan {
  id: string;
  version: string;
  /** The rendered template, before context and tool results are added. */
  preamble: string;
}

export interface PromptMeta {
  id: string;
  version: string;
  /** SHA-256 of the rendered system prompt: changes when, and only when, that text changes. */
  fingerprint: string;
}

/** The template a request would use: the one it names, the default when it brings retrieval or tools, or none. */
export function promptTemplate(chat: ChatRequest, usesFanout: boolean): PromptTemplate | undefined {
  const named = chat.gateway?.prompt;
  if (!named && !usesFanout) return undefined;
  return named ? findPrompt(named.id, named.version) : DEFAULT_PROMPT;
}

/**
 * The system prompt a request uses: `template` (from `promptTemplate`, or the one a canary put in
 * its place) rendered now with the request's variables, so a bad id or variable is a 4xx before
 * any stream opens.
 */
export function planPrompt(chat: ChatRequest, template: PromptTemplate | undefined): PromptPlan | undefined {
  if (!template) return undefined;
  return { id: template.id, version: template.version, preamble: renderTemplate(template, chat.gateway?.prompt?.variables) };
}

/** The provider's request body: the client's, with the gateway's system prompt first. */
export async function providerRequest(
  chat: ChatRequest,
  prompt: PromptPlan | undefined,
  fanout: FanoutResult | undefined,
): Promise<{ body: Record<string, unknown>; prompt?: PromptMeta }> {
  const body = providerBody(chat);
  if (!prompt) return { body };
  const system = systemPrompt(prompt.preamble, fanout);
  const meta = { id: prompt.id, version: prompt.version, fingerprint: await sha256Hex(system) };
  return { body: { ...body, messages: [{ role: 'system', content: system }, ...chat.messages] }, prompt: meta };
}
