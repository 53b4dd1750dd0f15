/**
 * System prompt templates, versioned in the repo like code. A request names one with
 * `gateway.prompt: {id, version?, variables?}`; without a version it gets the newest. Change a
 * prompt by adding a version, never by editing one: traces and caches key on id + version.
 * `{{name}}` placeholders take the request's variables.
 */
export interface PromptTemplate {
  id: string;
  version: string;
  text: string;
  /**
   * A version on trial: never picked as "the newest" for a request that names no version; it is
   * asked for by version, or handed out by a prompt canary (`canaries[].to`) until promoted.
   */
  trial?: boolean;
}

export const PROMPT_TEMPLATES: readonly PromptTemplate[] = [
  {
    id: 'rag-answer',
    version: '1',
    text: 'You are a helpful assistant. Answer the question using the context below when it is relevant, and cite the sources you use as [n].',
  },
  {
    id: 'rag-answer',
    version: '2',
    text:
      'You are a precise assistant for {{product}}. Answer only from the context below and cite every claim as [n]. ' +
      'If the context does not contain the answer, say that you do not know.',
  },
  {
    id: 'rag-answer',
    version: '3',
    trial: true,
    text:
      'You are a precise assistant for {{product}}. Answer from the context below only, in at most three sentences, ' +
      'and cite each claim as [n] right after it. If the context does not hold the answer, say so in one sentence.',
  },
  {
    id: 'support-agent',
    version: '1',
    text:
      'You are a support agent for {{product}}, speaking to {{customer}}. Be brief and friendly. Use the tool results ' +
      'below when they answer the question, and say so when a tool was unavailable.',
  },
];

/** The default preamble when a request brings retrieval or tools but names no prompt. */
export const DEFAULT_PROMPT: PromptTemplate = {
  id: 'gateway-default',
  version: '1',
  text: 'Use the context and tool results below when they are relevant to the question.',
};
