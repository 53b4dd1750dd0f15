import { z } from 'zod';

/**
 * What the gateway checks of an OpenAI chat completion request. Unknown top-level fields pass
 * through to the provider untouched (OpenAI adds parameters faster than gateways do); the `gateway`
 * extension (design §2) is strict, so a typo in it is a 400 rather than silently ignored.
 */

const contentPart = z.looseObject({ type: z.string() });

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});

export const gatewayExtension = z.strictObject({
  retrieval: z
    .strictObject({
      query: z.string().max(8192).optional(),
      topK: z.number().int().min(1).max(100).optional(),
      filters: z.record(z.string(), z.unknown()).optional(),
      maxContextTokens: z.number().int().positive().optional(),
    })
    .optional(),
  tools: z
    .array(z.strictObject({ name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), arguments: z.record(z.string(), z.unknown()) }))
    .max(16)
    .optional(),
  priority: z.enum(['interactive', 'batch']).optional(),
  prompt: z
    .strictObject({ id: z.string().min(1), version: z.string().optional(), variables: z.record(z.string(), z.unknown()).optional() })
    .optional(),
  cache: z.enum(['default', 'bypass', 'refresh']).optional(),
  /** The task this request is part of (cost per successful task, design §2 `/v1/feedback`). */
  task_id: z.string().min(1).max(128).optional(),
  /** Output contracts on streams: check at the end (`stream`, default) or emit only validated JSON (`buffer`). */
  contract: z.enum(['stream', 'buffer']).optional(),
});

const positiveInt = z.number().int().positive().nullish();

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  n: z.number().int().min(1).max(128).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  gateway: gatewayExtension.optional(),
  // Checked because the gateway reads them (output contracts): the rest of each passes as sent.
  tools: z.array(z.looseObject({ type: z.string(), function: z.looseObject({ name: z.string().min(1), parameters: z.record(z.string(), z.unknown()).optional() }).optional() })).max(128).nullish(),
  response_format: z
    .looseObject({
      type: z.enum(['text', 'json_object', 'json_schema']),
      json_schema: z.looseObject({ name: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional() }).optional(),
    })
    .nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type GatewayExtension = z.infer<typeof gatewayExtension>;

/** The body the provider sees: the client's own fields, minus the gateway extension. */
export function providerBody(request: ChatRequest): Record<string, unknown> {
  const { gateway: _gateway, ...rest } = request;
  return rest;
}
