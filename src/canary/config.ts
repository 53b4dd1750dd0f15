import * as z from '../util/zod';

/** A rate: 0 to 1. */
const share = z.number().check(z.minimum(0), z.maximum(1));

/**
 * A canary (design §4): `percent` of conversations get `to` in place of `from`, and the candidate
 * is rolled back on its own when one of its alarms holds over `windowSeconds` with at least
 * `minRequests` candidate requests. `kind: "prompt"`: from/to are `promptId@version`; `kind:
 * "model"`: catalog model ids. Checked against the catalog and the templates in `config.ts`.
 */
export const canarySchema = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 letters, digits, "_", "-" or "."')),
  kind: z.enum(['prompt', 'model']),
  from: z.string().check(z.minLength(1)),
  to: z.string().check(z.minLength(1)),
  /** Share of conversations (tenant + conversation, hashed) that get `to`. */
  percent: z.number().check(z.minimum(0), z.maximum(100)),
  /** The window the alarms are judged over (at the stats' 10 s bucket grain). @default 300 */
  windowSeconds: z._default(z.number().check(z.int(), z.positive()), 300),
  /** Fewer candidate requests than this in the window never roll back. @default 50 */
  minRequests: z._default(z.number().check(z.int(), z.positive()), 50),
  /** Thresholds on the candidate's figures over the window; over any one → rolled back. */
  alarms: z.prefault(
    z.strictObject({
      /** p95 of the request's total latency, ms. */
      p95Ms: z.optional(z.number().check(z.positive())),
      /** Requests that ended with an error ÷ requests. */
      errorRate: z.optional(share),
      /** Answers refused by the model (`refusal`, or finish_reason `content_filter`) ÷ requests. */
      refusalRate: z.optional(share),
      /** Output-contract answers whose first answer failed its schema ÷ checked answers. */
      parseErrorRate: z.optional(share),
      /** Cost of the successful tasks (feedback) ÷ their count, USD. */
      costPerSuccessUsd: z.optional(z.number().check(z.nonnegative())),
    }),
    {},
  ),
});

export type CanaryConfig = z.infer<typeof canarySchema>;

/** `promptId@version` → its parts (undefined when it is not of that form). */
export function promptRef(ref: string): { id: string; version: string } | undefined {
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1) return undefined;
  return { id: ref.slice(0, at), version: ref.slice(at + 1) };
}
