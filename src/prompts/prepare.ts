import type { ChatRequest } from '../chat-request';
import { providerBody } from '../chat-request';
import { systemPrompt } from '../fanout/augment';
import type { FanoutResult } from '../fanout/fanout';
import { sha256Hex } from '../util/sha256';
import { findPrompt, renderTemplate } from './render';
import { DEFAULT_PROMPT } from './templates';

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

/**
 * The system prompt a request uses: the template it names (rendered now, so a bad id or variable
 * is a 4xx before any stream opens), the default preamble when it brings retrieval or tools without
 * one, or none at all.
 */
export function planPrompt(chat: ChatRequest, usesFanout: boolean): PromptPlan | undefined {
  const named = chat.gateway?.prompt;
  if (!named && !usesFanout) return undefined;
  const template = named ? findPrompt(named.id, named.version) : DEFAULT_PROMPT;
  return { id: template.id, version: template.version, preamble: renderTemplate(template, named?.variables) };
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
