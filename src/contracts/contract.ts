import { Validator } from '@cfworker/json-schema';
import { mapKeys } from './keys';
import { tolerantParse } from './repair';

/**
 * The output contract a request sets: its `response_format` (a JSON schema, or just "JSON") and
 * the parameter schemas of the tools it offers. Validated with @cfworker/json-schema, which runs
 * on Workers without `eval` / `new Function` (code-generating validators such as Ajv cannot).
 */
export interface Contract {
  /** The answer's content: a JSON schema (`json_schema`), or any JSON (`json_object`). */
  content?: { schema?: unknown };
  /** Tool name → the JSON schema of its arguments. */
  tools: Map<string, unknown>;
}

export type Outcome = 'valid' | 'repaired' | 'reasked' | 'invalid';

export interface ContractError {
  /** Where: `content`, or `tool_calls[i].arguments`, then a JSON pointer into the value. */
  path: string;
  message: string;
}

export interface Checked {
  outcome: Exclude<Outcome, 'reasked'>;
  errors: ContractError[];
  /** The message with repaired content and tool arguments (JSON text), when something was repaired. */
  message?: Record<string, unknown>;
  /** What was repaired: `code_fence`, `trailing_comma`, `key_case` … */
  repairs: string[];
}

export function contractOf(body: Record<string, unknown>): Contract | undefined {
  const format = body.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  const content = format?.type === 'json_schema' ? { schema: format.json_schema?.schema ?? {} } : format?.type === 'json_object' ? {} : undefined;
  const tools = new Map<string, unknown>();
  const offered = Array.isArray(body.tools) ? (body.tools as Array<{ type?: string; function?: { name?: string; parameters?: unknown } }>) : [];
  for (const t of offered) {
    if (t?.function?.name && t.function.parameters) tools.set(t.function.name, t.function.parameters);
  }
  return content || tools.size ? { content, tools } : undefined;
}

/**
 * Checks one choice's message against the contract. `finished`: the answer ended on its own (not
 * cut by `max_tokens`), the only case where missing brackets may be closed. A refusal is not a
 * contract violation (the model said no, in its own field).
 */
export function check(contract: Contract, message: Record<string, unknown>, finished: boolean): Checked {
  const errors: ContractError[] = [];
  const repairs = new Set<string>();
  let changed = false;
  const out: Record<string, unknown> = { ...message };
  if (contract.content && typeof message.refusal !== 'string') {
    const r = checkJson(message.content, contract.content.schema, finished, 'content');
    errors.push(...r.errors);
    r.repairs.forEach((x) => repairs.add(x));
    if (r.text !== undefined) {
      out.content = r.text;
      changed = true;
    }
  }
  const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as Array<Record<string, any>>) : [];
  out.tool_calls = calls.length
    ? calls.map((call, i) => {
        const schema = contract.tools.get(call?.function?.name);
        if (schema === undefined) return call;
        const r = checkJson(call.function?.arguments, schema, finished, `tool_calls[${i}].arguments`);
        errors.push(...r.errors);
        r.repairs.forEach((x) => repairs.add(x));
        if (r.text === undefined) return call;
        changed = true;
        return { ...call, function: { ...call.function, arguments: r.text } };
      })
    : message.tool_calls;
  if (!calls.length && !('tool_calls' in message)) delete out.tool_calls;
  if (errors.length) return { outcome: 'invalid', errors, repairs: [...repairs] };
  return changed ? { outcome: 'repaired', errors, message: out, repairs: [...repairs] } : { outcome: 'valid', errors, repairs: [] };
}

/** One JSON value in an answer: parsed (repaired if need be), keys mapped, validated. `text` when it changed. */
function checkJson(raw: unknown, schema: unknown, finished: boolean, where: string): { errors: ContractError[]; repairs: string[]; text?: string } {
  if (typeof raw !== 'string') return { errors: [{ path: where, message: 'no JSON text' }], repairs: [] };
  const parsed = tolerantParse(raw, { finished });
  if (!parsed.ok) return { errors: [{ path: where, message: parsed.error }], repairs: [] };
  const repairs = [...parsed.repairs];
  let value = parsed.value;
  if (schema !== undefined) {
    const mapped = mapKeys(value, schema);
    if (mapped.renamed) {
      value = mapped.value;
      repairs.push('key_case');
    }
    let result;
    try {
      result = new Validator(schema as never, '2020-12', false).validate(value);
    } catch {
      // A schema the validator cannot apply: nothing can be shown to match it.
      return { errors: [{ path: where, message: 'the schema could not be applied' }], repairs };
    }
    if (!result.valid) {
      const errors = result.errors
        .filter((e) => e.keyword !== 'properties' && e.keyword !== 'items' && e.keyword !== '$ref')
        .slice(0, 10)
        .map((e) => ({ path: `${where}${e.instanceLocation.slice(1)}`, message: e.error }));
      return { errors: errors.length ? errors : [{ path: where, message: result.errors[0]?.error ?? 'does not match the schema' }], repairs };
    }
  }
  return { errors: [], repairs, text: repairs.length ? JSON.stringify(value) : undefined };
}
