// The contract corpus: almost-valid outputs of the kinds models write, each with the outcome it
// must get. Repairs are local (no model call); a value returned as valid or repaired always
// matches the schema; an answer cut by max_tokens is never closed into a valid-looking object.
import { Validator } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { check, contractOf } from './contract';

const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' } },
    user_id: { type: 'string' },
    address: { type: 'object', properties: { street_name: { type: 'string' }, zip_code: { type: 'string' } }, additionalProperties: false },
  },
  required: ['name', 'age'],
  additionalProperties: false,
};
const contract = contractOf({ response_format: { type: 'json_schema', json_schema: { name: 'person', schema: SCHEMA, strict: true } } })!;
const OK = { name: 'Ada', age: 36 };

type Expect = 'valid' | 'repaired' | 'invalid';
/** [name, model output, finished normally?, outcome, value after repair (when repaired)] */
const CASES: Array<[string, string, boolean, Expect, unknown?]> = [
  // Valid as written.
  ['strict object', '{"name":"Ada","age":36}', true, 'valid'],
  ['strict with spaces and newlines', '{\n  "name": "Ada",\n  "age": 36\n}', true, 'valid'],
  ['strict with every field', '{"name":"Ada","age":36,"tags":["x"],"user_id":"u1","address":{"street_name":"Main","zip_code":"1"}}', true, 'valid'],
  ['unicode and escapes', '{"name":"Zoë \\"Z\\" 名","age":1}', true, 'valid'],
  ['leading whitespace', '   {"name":"Ada","age":36}  ', true, 'valid'],
  // Code fences.
  ['json fence', '```json\n{"name":"Ada","age":36}\n```', true, 'repaired', OK],
  ['bare fence', '```\n{"name":"Ada","age":36}\n```', true, 'repaired', OK],
  ['fence with prose before', 'Here you go:\n```json\n{"name":"Ada","age":36}\n```', true, 'repaired', OK],
  ['fence with prose after', '```json\n{"name":"Ada","age":36}\n```\nLet me know if you need more.', true, 'repaired', OK],
  ['fence JSON5 tag', '```jsonc\n{"name":"Ada","age":36,}\n```', true, 'repaired', OK],
  ['fence no newline', '```json {"name":"Ada","age":36} ```', true, 'repaired', OK],
  // Prose around the value.
  ['prose before', 'Sure! {"name":"Ada","age":36}', true, 'repaired', OK],
  ['prose after', '{"name":"Ada","age":36} I hope this helps.', true, 'repaired', OK],
  ['prose both sides', 'The person is {"name":"Ada","age":36}, as requested.', true, 'repaired', OK],
  ['prose with braces after', '{"name":"Ada","age":36}\n(ages are in {years})', true, 'repaired', OK],
  ['prose multi-line before', 'Result:\n\n{"name":"Ada","age":36}', true, 'repaired', OK],
  ['prose with a colon before', 'Answer: {"name":"Ada","age":36}', true, 'repaired', OK],
  // Trailing commas.
  ['trailing comma in object', '{"name":"Ada","age":36,}', true, 'repaired', OK],
  ['trailing comma in array', '{"name":"Ada","age":36,"tags":["a","b",]}', true, 'repaired', { ...OK, tags: ['a', 'b'] }],
  ['trailing comma nested', '{"name":"Ada","age":36,"address":{"street_name":"Main",},}', true, 'repaired', { ...OK, address: { street_name: 'Main' } }],
  ['trailing comma with newline', '{\n"name":"Ada",\n"age":36,\n}', true, 'repaired', OK],
  ['trailing comma and fence', '```json\n{"name":"Ada","age":36,\n}\n```', true, 'repaired', OK],
  // Single quotes.
  ['single-quoted strings', "{'name':'Ada','age':36}", true, 'repaired', OK],
  ['single quotes with a double quote inside', `{'name':'Ada "the first"','age':36}`, true, 'repaired', { name: 'Ada "the first"', age: 36 }],
  ['single quotes with an escaped apostrophe', "{'name':'O\\'Brien','age':36}", true, 'repaired', { name: "O'Brien", age: 36 }],
  ['mixed quotes', `{"name":'Ada','age':36}`, true, 'repaired', OK],
  ['apostrophe inside double quotes stays', `{"name":"Ada's","age":36}`, true, 'valid'],
  // Unquoted keys.
  ['unquoted keys', '{name:"Ada",age:36}', true, 'repaired', OK],
  ['unquoted keys with spaces', '{ name : "Ada", age : 36 }', true, 'repaired', OK],
  ['unquoted and single quotes', "{name:'Ada',age:36}", true, 'repaired', OK],
  ['unquoted nested keys', '{name:"Ada",age:36,address:{street_name:"Main"}}', true, 'repaired', { ...OK, address: { street_name: 'Main' } }],
  ['unquoted keys and trailing comma', '{name:"Ada",age:36,}', true, 'repaired', OK],
  // Python literals and comments.
  ['Python None in an optional field is still a type error', '{"name":"Ada","age":36,"user_id":None}', true, 'invalid'],
  ['Python True where a string is expected', '{"name":True,"age":36}', true, 'invalid'],
  ['comments', '{\n  "name": "Ada", // the name\n  "age": 36 /* years */\n}', true, 'repaired', OK],
  ['line comment at end', '{"name":"Ada","age":36}\n// done', true, 'repaired', OK],
  // Closing brackets, only for an answer that finished normally.
  ['missing closing brace, finished', '{"name":"Ada","age":36', true, 'repaired', OK],
  ['missing two closings, finished', '{"name":"Ada","age":36,"tags":["a"', true, 'repaired', { ...OK, tags: ['a'] }],
  ['missing closing after comma, finished', '{"name":"Ada","age":36,', true, 'repaired', OK],
  ['missing nested closings, finished', '{"name":"Ada","age":36,"address":{"street_name":"Main"', true, 'repaired', { ...OK, address: { street_name: 'Main' } }],
  ['fenced and unclosed, finished', '```json\n{"name":"Ada","age":36\n```', true, 'repaired', OK],
  // Cut by max_tokens: never "repaired" into a valid-looking object.
  ['cut after a value', '{"name":"Ada","age":36', false, 'invalid'],
  ['cut inside an array', '{"name":"Ada","age":36,"tags":["a"', false, 'invalid'],
  ['cut after a comma', '{"name":"Ada","age":36,', false, 'invalid'],
  ['cut inside a string', '{"name":"Ad', false, 'invalid'],
  ['cut after a key', '{"name":"Ada","age":', false, 'invalid'],
  ['cut nested', '{"name":"Ada","age":36,"address":{"street_name":"Main"', false, 'invalid'],
  // Key case mapped where unambiguous.
  ['camelCase key', '{"name":"Ada","age":36,"userId":"u1"}', true, 'repaired', { ...OK, user_id: 'u1' }],
  ['PascalCase key', '{"Name":"Ada","Age":36}', true, 'repaired', OK],
  ['nested camelCase keys', '{"name":"Ada","age":36,"address":{"streetName":"Main","zipCode":"1"}}', true, 'repaired', { ...OK, address: { street_name: 'Main', zip_code: '1' } }],
  ['kebab-case key', '{"name":"Ada","age":36,"user-id":"u1"}', true, 'repaired', { ...OK, user_id: 'u1' }],
  ['camelCase with a fence', '```json\n{"name":"Ada","age":36,"userId":"u1"}\n```', true, 'repaired', { ...OK, user_id: 'u1' }],
  ['camelCase and snake_case both present: not mapped', '{"name":"Ada","age":36,"userId":"u1","user_id":"u2"}', true, 'invalid'],
  ['unknown key: not mapped', '{"name":"Ada","age":36,"nickname":"A"}', true, 'invalid'],
  // Valid JSON that breaks the schema: invalid, whatever the repairs.
  ['missing a required field', '{"name":"Ada"}', true, 'invalid'],
  ['wrong type', '{"name":"Ada","age":"36"}', true, 'invalid'],
  ['not an integer', '{"name":"Ada","age":36.5}', true, 'invalid'],
  ['below minimum', '{"name":"Ada","age":-1}', true, 'invalid'],
  ['array instead of object', '[{"name":"Ada","age":36}]', true, 'invalid'],
  ['wrong item type', '{"name":"Ada","age":36,"tags":[1]}', true, 'invalid'],
  ['fenced but wrong type', '```json\n{"name":"Ada","age":"x"}\n```', true, 'invalid'],
  // Not JSON at all.
  ['plain prose', 'I cannot produce that.', true, 'invalid'],
  ['empty answer', '', true, 'invalid'],
  ['a stray word', '{"name": Ada, "age": 36}', true, 'invalid'],
  ['unclosed string, finished', '{"name":"Ada,"age":36}', true, 'invalid'],
  ['mismatched brackets', '{"name":"Ada","age":36]', true, 'invalid'],
];

const validate = new Validator(SCHEMA as never, '2020-12', false);

describe(`the contract corpus (${CASES.length} outputs)`, () => {
  it('has at least 60 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(60));

  it.each(CASES)('%s', (_name, content, finished, outcome, value) => {
    const r = check(contract, { role: 'assistant', content }, finished);
    expect(r.outcome, JSON.stringify(r.errors)).toBe(outcome);
    if (outcome === 'invalid') {
      expect(r.errors.length).toBeGreaterThan(0);
      return;
    }
    const text = r.outcome === 'repaired' ? (r.message!.content as string) : content;
    const parsed = JSON.parse(outcome === 'valid' ? content.trim() : text);
    // Never a schema-invalid object returned as valid.
    expect(validate.validate(parsed).valid).toBe(true);
    if (value !== undefined) expect(parsed).toEqual(value);
  });
});

describe('tool-call arguments against the tool\'s parameters', () => {
  const tools = contractOf({
    tools: [{ type: 'function', function: { name: 'book', parameters: { type: 'object', properties: { flight_no: { type: 'string' }, seat_count: { type: 'integer' } }, required: ['flight_no'], additionalProperties: false } } }],
  })!;
  const call = (args: string) => ({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'book', arguments: args } }] });

  it('camelCase arguments are mapped to the snake_case schema when unambiguous', () => {
    const r = check(tools, call('{"flightNo":"BA1","seatCount":2}'), true);
    expect(r.outcome).toBe('repaired');
    expect(JSON.parse((r.message!.tool_calls as any)[0].function.arguments)).toEqual({ flight_no: 'BA1', seat_count: 2 });
  });

  it('ambiguous keys are rejected, naming the call', () => {
    const r = check(tools, call('{"flightNo":"BA1","flight_no":"BA2"}'), true);
    expect(r.outcome).toBe('invalid');
    expect(r.errors[0]!.path).toMatch(/^tool_calls\[0\]\.arguments/);
  });

  it('a tool the request did not describe is not checked', () => {
    const r = check(tools, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'other', arguments: 'not json' } }] }, true);
    expect(r.outcome).toBe('valid');
  });
});
