// Provider answers in the documented shapes of real OpenAI-compatible providers, each as the
// provider streams it and as it answers the same request without streaming. The transparency
// suite plays them through the simulated provider and compares what clients get, field by field.
import type { ProviderScript } from '../../sim/script.ts';

export interface CorpusCase {
  name: string;
  /** Extra request fields (n, logprobs, tools …). */
  request: Record<string, unknown>;
  /** Stream events (chunk objects), `[DONE]` appended. */
  events: Array<Record<string, unknown>>;
  /** The same answer, non-stream. */
  json: Record<string, unknown>;
}

const ENV = { id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1767225600, model: 'up-model' };
const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ ...ENV, ...extra, choices });
const delta = (d: Record<string, unknown>, finish: string | null = null, index = 0, extra: Record<string, unknown> = {}) => ({ index, delta: d, logprobs: null, finish_reason: finish, ...extra });
const completion = (choices: unknown[], usage: unknown, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-up', object: 'chat.completion', created: 1767225600, model: 'up-model', ...extra, choices, usage,
});
const usage = (p: number, c: number, details: Record<string, unknown> = {}) => ({ prompt_tokens: p, completion_tokens: c, total_tokens: p + c, ...details });
const lp = (token: string, logprob: number) => ({ token, logprob, bytes: [...Buffer.from(token)], top_logprobs: [{ token, logprob, bytes: [...Buffer.from(token)] }] });

const TOP = { system_fingerprint: 'fp_44709d6fcb', service_tier: 'default' };
const DETAILED = usage(19, 10, {
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
});

export const CORPUS: CorpusCase[] = [
  {
    name: 'text with system_fingerprint, service_tier and usage details',
    request: {},
    events: [
      chunk([delta({ role: 'assistant', content: '', refusal: null })], TOP),
      chunk([delta({ content: 'Hello' })], TOP),
      chunk([delta({ content: ' there!' })], TOP),
      chunk([delta({}, 'stop')], TOP),
      chunk([], { ...TOP, usage: DETAILED }),
    ],
    json: completion([{ index: 0, message: { role: 'assistant', content: 'Hello there!', refusal: null }, logprobs: null, finish_reason: 'stop' }], DETAILED, TOP),
  },
  {
    name: 'parallel tool calls (content null)',
    request: { tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] },
    events: [
      chunk([delta({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }], refusal: null })]),
      chunk([delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })]),
      chunk([delta({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] })]),
      chunk([delta({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '' } }] })]),
      chunk([delta({ tool_calls: [{ index: 1, function: { arguments: '{"city":"Rome"}' } }] })]),
      chunk([delta({}, 'tool_calls')]),
      chunk([], { usage: usage(40, 30) }),
    ],
    json: completion(
      [{
        index: 0,
        message: {
          role: 'assistant', content: null, refusal: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      }],
      usage(40, 30),
    ),
  },
  {
    name: 'n = 2',
    request: { n: 2 },
    events: [
      chunk([delta({ role: 'assistant', content: '' }, null, 0), delta({ role: 'assistant', content: '' }, null, 1)]),
      chunk([delta({ content: 'Red.' }, null, 0)]),
      chunk([delta({ content: 'Blue.' }, null, 1)]),
      chunk([delta({}, 'stop', 0)]),
      chunk([delta({}, 'stop', 1)]),
      chunk([], { usage: usage(12, 4) }),
    ],
    json: completion(
      [
        { index: 0, message: { role: 'assistant', content: 'Red.', refusal: null }, logprobs: null, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'Blue.', refusal: null }, logprobs: null, finish_reason: 'stop' },
      ],
      usage(12, 4),
    ),
  },
  {
    name: 'logprobs',
    request: { logprobs: true, top_logprobs: 1 },
    events: [
      chunk([delta({ role: 'assistant', content: '' }, null, 0, { logprobs: { content: [], refusal: null } })]),
      chunk([delta({ content: 'Yes' }, null, 0, { logprobs: { content: [lp('Yes', -0.01)], refusal: null } })]),
      chunk([delta({ content: '.' }, null, 0, { logprobs: { content: [lp('.', -0.2)], refusal: null } })]),
      chunk([delta({}, 'stop')]),
      chunk([], { usage: usage(9, 2) }),
    ],
    json: completion(
      [{ index: 0, message: { role: 'assistant', content: 'Yes.', refusal: null }, logprobs: { content: [lp('Yes', -0.01), lp('.', -0.2)], refusal: null }, finish_reason: 'stop' }],
      usage(9, 2),
    ),
  },
  {
    name: 'reasoning_content before the answer (DeepSeek-style), reasoning tokens in usage',
    request: {},
    events: [
      chunk([delta({ role: 'assistant', content: null, reasoning_content: '' })]),
      chunk([delta({ reasoning_content: 'The user wants ' })]),
      chunk([delta({ reasoning_content: 'a number.' })]),
      chunk([delta({ content: '42' })]),
      chunk([delta({}, 'stop')]),
      chunk([], { usage: usage(15, 12, { completion_tokens_details: { reasoning_tokens: 10 } }) }),
    ],
    json: completion(
      [{ index: 0, message: { role: 'assistant', content: '42', refusal: null, reasoning_content: 'The user wants a number.' }, logprobs: null, finish_reason: 'stop' }],
      usage(15, 12, { completion_tokens_details: { reasoning_tokens: 10 } }),
    ),
  },
  {
    name: 'reasoning (OpenRouter-style field)',
    request: {},
    events: [
      chunk([delta({ role: 'assistant', content: '', reasoning: 'Short ' })]),
      chunk([delta({ reasoning: 'thought.' })]),
      chunk([delta({ content: 'Done.' })]),
      chunk([delta({}, 'stop')]),
      chunk([], { usage: usage(5, 6) }),
    ],
    json: completion([{ index: 0, message: { role: 'assistant', content: 'Done.', refusal: null, reasoning: 'Short thought.' }, logprobs: null, finish_reason: 'stop' }], usage(5, 6)),
  },
  {
    name: 'refusal (content null)',
    request: {},
    events: [
      chunk([delta({ role: 'assistant', content: null, refusal: '' })]),
      chunk([delta({ refusal: "I'm sorry, " })]),
      chunk([delta({ refusal: "I can't help with that." })]),
      chunk([delta({}, 'stop')]),
      chunk([], { usage: usage(20, 11) }),
    ],
    json: completion([{ index: 0, message: { role: 'assistant', content: null, refusal: "I'm sorry, I can't help with that." }, logprobs: null, finish_reason: 'stop' }], usage(20, 11)),
  },
  {
    name: 'annotations (url citations)',
    request: {},
    events: [
      chunk([delta({ role: 'assistant', content: '' })]),
      chunk([delta({ content: 'See the docs.' })]),
      chunk([delta({ annotations: [{ type: 'url_citation', url_citation: { start_index: 8, end_index: 12, url: 'https://example.com/docs', title: 'Docs' } }] })]),
      chunk([delta({}, 'stop')]),
      chunk([], { usage: usage(30, 4) }),
    ],
    json: completion(
      [{
        index: 0,
        message: { role: 'assistant', content: 'See the docs.', refusal: null, annotations: [{ type: 'url_citation', url_citation: { start_index: 8, end_index: 12, url: 'https://example.com/docs', title: 'Docs' } }] },
        logprobs: null,
        finish_reason: 'stop',
      }],
      usage(30, 4),
    ),
  },
];

export function scriptOf(c: CorpusCase): ProviderScript {
  return { events: [...c.events, '[DONE]'], json: c.json };
}
