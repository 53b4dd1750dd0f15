import { z } from 'zod';

/**
 * A canary (design §4): `percent` of conversations get `to` in place of `from`, and the candidate
 * is rolled back on its own when one of its alarms holds over `windowSeconds` with at least
 * `minRequests` candidate requests. `kind: "prompt"`: from/to are `promptId@version`; `kind:
 * "model"`: catalog model ids. Checked against the catalog and the templates in `config.ts`.
 */
export const canarySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 letters, digits, "_", "-" or "."'),
  kind: z.enum(['prompt', 'model']),
  from: z.string().min(1),
  to: z.string().min(1),
  /** Share of conversations (tenant + conversation, hashed) that get `to`. */
  percent: z.number().min(0).max(100),
  /** The window the alarms are judged over (at the stats' 10 s bucket grain). @default 300 */
  windowSeconds: z.number().int().positive().default(300),
  /** Fewer candidate requests than this in the window never roll back. @default 50 */
  minRequests: z.number().int().positive().default(50),
  /** Thresholds on the candidate's figures over the window; over any one → rolled back. */
  alarms: z
    .strictObject({
      /** p95 of the request's total latency, ms. */
      p95Ms: z.number().positive().optional(),
      /** Requests that ended with an error ÷ requests. */
      errorRate: z.number().min(0).max(1).optional(),
      /** Answers refused by the model (`refusal`, or finish_reason `content_filter`) ÷ requests. */
      refusalRate: z.number().min(0).max(1).optional(),
      /** Output-contract answers whose first answer failed its schema ÷ checked answers. */
      parseErrorRate: z.number().min(0).max(1).optional(),
      /** Cost of the successful tasks (feedback) ÷ their count, USD. */
      costPerSuccessUsd: z.number().nonnegative().optional(),
    })
    .prefault({}),
});

export type CanaryConfig = z.infer<typeof canarySchema>;

/** `promptId@version` → its parts (undefined when it is not of that form). */
export function promptRef(ref: string): { id: string; version: string } | undefined {
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1) return undefined;
  return { id: ref.slice(0, at), version: ref.slice(at + 1) };
}
