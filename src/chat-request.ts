import * as z from './util/zod';

/**
 * What the gateway checks of an OpenAI chat completion request. Unknown top-level fields pass
 * through to the provider untouched (OpenAI adds parameters faster than gateways do); the `gateway`
 * extension (design §2) is strict, so a typo in it is a 400 rather than silently ignored.
 */

const record = z.record(z.string(), z.unknown());

const contentPart = z.looseObject({ type: z.string() });

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.optional(z.union([z.string(), z.array(contentPart), z.null()])),
});

/** A lone UTF-16 surrogate: not text, and not stored back as the same string (SQLite keeps UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A task's id: it is stored with the task's figures and named again by feedback, so it must read back as itself. */
export const taskId = z.string().check(
  z.minLength(1),
  z.maxLength(128),
  z.refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed text (no lone surrogate)'),
);

export const gatewayExtension = z.strictObject({
  retrieval: z.optional(
    z.strictObject({
      query: z.optional(z.string().check(z.maxLength(8192))),
      topK: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100))),
      filters: z.optional(record),
      maxContextTokens: z.optional(z.number().check(z.int(), z.positive())),
    }),
  ),
  tools: z.optional(
    z.array(z.strictObject({ name: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)), arguments: record })).check(z.maxLength(16)),
  ),
  priority: z.optional(z.enum(['interactive', 'batch'])),
  prompt: z.optional(z.strictObject({ id: z.string().check(z.minLength(1)), version: z.optional(z.string()), variables: z.optional(record) })),
  cache: z.optional(z.enum(['default', 'bypass', 'refresh'])),
  /** The task this request is part of (cost per successful task, design §2 `/v1/feedback`). */
  task_id: z.optional(taskId),
  /** Output contracts on streams: check at the end (`stream`, default) or emit only validated JSON (`buffer`). */
  contract: z.optional(z.enum(['stream', 'buffer'])),
});

const positiveInt = z.nullish(z.number().check(z.int(), z.positive()));

export const chatRequestSchema = z.looseObject({
  model: z.string().check(z.minLength(1)),
  messages: z.array(message).check(z.minLength(1)),
  stream: z.nullish(z.boolean()),
  stream_options: z.nullish(z.looseObject({ include_usage: z.optional(z.boolean()) })),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  n: z.nullish(z.number().check(z.int(), z.minimum(1), z.maximum(128))),
  temperature: z.nullish(z.number().check(z.minimum(0), z.maximum(2))),
  top_p: z.nullish(z.number().check(z.minimum(0), z.maximum(1))),
  gateway: z.optional(gatewayExtension),
  // Checked because the gateway reads them (output contracts): the rest of each passes as sent.
  tools: z.nullish(
    z
      .array(z.looseObject({ type: z.string(), function: z.optional(z.looseObject({ name: z.string().check(z.minLength(1)), parameters: z.optional(record) })) }))
      .check(z.maxLength(128)),
  ),
  response_format: z.nullish(
    z.looseObject({
      type: z.enum(['text', 'json_object', 'json_schema']),
      json_schema: z.optional(z.looseObject({ name: z.optional(z.string()), schema: z.optional(record) })),
    }),
  ),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type GatewayExtension = z.infer<typeof gatewayExtension>;

/** The body the provider sees: the client's own fields, minus the gateway extension. */
export function providerBody(request: ChatRequest): Record<string, unknown> {
  const { gateway: _gateway, ...rest } = request;
  return rest;
}
