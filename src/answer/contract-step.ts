import { check, type Checked, type Contract, type ContractError, type Outcome } from '../contracts/contract';
import { GatewayError } from '../errors';
import type { Usage } from '../telemetry/trace';

type Json = Record<string, unknown>;

/** The contract's verdict on a whole answer: every choice checked, the worst outcome wins. */
export interface Verdict {
  outcome: Exclude<Outcome, 'reasked'>;
  errors: ContractError[];
  repairs: string[];
  /** The answer with repaired messages, when something was repaired. */
  answer: Json;
}

export function checkAnswer(contract: Contract, answer: Json): Verdict {
  const choices = (answer.choices as Json[]) ?? [];
  const results: Checked[] = choices.map((c) => check(contract, c.message as Json, c.finish_reason !== 'length'));
  const errors = results.flatMap((r, i) => r.errors.map((e) => ({ ...e, path: choices.length > 1 ? `choices[${i}].${e.path}` : e.path })));
  const repairs = [...new Set(results.flatMap((r) => r.repairs))];
  const outcome = errors.length ? 'invalid' : results.some((r) => r.outcome === 'repaired') ? 'repaired' : 'valid';
  const repaired = outcome === 'repaired' ? { ...answer, choices: choices.map((c, i) => (results[i]!.message ? { ...c, message: results[i]!.message } : c)) } : answer;
  return { outcome, errors, repairs, answer: repaired };
}

/**
 * The one re-ask: the conversation so far, the model's own answer, and what was wrong with it —
 * so the model corrects rather than starts over.
 */
export function reaskBody(body: Json, answer: Json, errors: ContractError[]): Json {
  const message = ((answer.choices as Json[])?.[0]?.message ?? {}) as Json;
  const said: Json = { role: 'assistant', content: typeof message.content === 'string' ? message.content : null };
  if (Array.isArray(message.tool_calls) && message.tool_calls.length) said.tool_calls = message.tool_calls;
  const list = errors.slice(0, 10).map((e) => `- ${e.path}: ${e.message}`).join('\n');
  const fix = said.tool_calls
    ? 'Call the tool again with arguments that match its parameters schema exactly.'
    : 'Reply again with only the corrected JSON, nothing else.';
  // Tool calls need their answers before another user turn; the re-ask replaces the turn instead.
  const history = said.tool_calls ? (body.messages as Json[]) : [...(body.messages as Json[]), said];
  return {
    ...body,
    n: 1,
    messages: [...history, { role: 'user', content: `Your previous reply did not match the required schema:\n${list}\n${fix}` }],
  };
}

export function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!a || !b) return a ?? b;
  return { prompt_tokens: a.prompt_tokens + b.prompt_tokens, completion_tokens: a.completion_tokens + b.completion_tokens, total_tokens: (a.total_tokens ?? 0) + (b.total_tokens ?? 0) };
}

export const schemaViolation = (errors: ContractError[], reasked: boolean) =>
  new GatewayError(
    `The model's answer does not match the requested schema${reasked ? ', also after one re-ask' : ''}: ${errors
      .slice(0, 3)
      .map((e) => `${e.path}: ${e.message}`)
      .join('; ')}`,
    { status: 422, code: 'schema_violation', details: { errors } },
  );
