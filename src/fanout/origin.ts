import * as z from '../util/zod';

/**
 * The origin contract (design §3), validated at the boundary: what the origin sends back is parsed
 * with zod before anything downstream trusts it.
 */

const chunkSchema = z.object({
  id: z.string(),
  text: z.string(),
  score: z.number(),
  source: z.optional(z.string()),
  embeddingModel: z.optional(z.string()),
});

export const retrieveResponse = z.object({ chunks: z.array(chunkSchema), indexVersion: z.optional(z.string()) });
export const rerankResponse = z.object({ chunks: z.array(chunkSchema) });
export const toolResponse = z.object({ result: z.unknown() });

export type RetrieveResponse = z.infer<typeof retrieveResponse>;

export class OriginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OriginError';
  }
}

/** POSTs JSON to `{baseUrl}{path}` and parses the answer; HTTP and shape failures are OriginErrors. */
export async function postOrigin<T>(
  baseUrl: string,
  path: string,
  body: unknown,
  schema: z.ZodMiniType<T>,
  signal: AbortSignal,
  traceparent: string,
): Promise<T> {
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok) {
    res.body?.cancel().catch(() => {});
    throw new OriginError(`${path} answered HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) throw new OriginError(`${path} answered in an unexpected shape`);
  return parsed.data;
}
