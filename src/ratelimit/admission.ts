import type { TenantConfig, Config } from '../config';
import { GatewayError } from '../errors';
import type { Trace } from '../telemetry/trace';
import { LimiterUnavailable, type GlobalLimiter } from './global-limiter';
import type { LocalLimiter } from './local-limiter';
import type { BucketSpec, TakeResult } from './token-bucket';

export type Lane = 'interactive' | 'batch';

export interface AdmissionRequest {
  tenant: TenantConfig;
  lane: Lane;
  tools: readonly string[];
  /** Tokens to reserve against tokensPerMinute: prompt estimate + max_tokens (or the default). */
  reserveTokens: number;
}

export interface Admitted {
  /** The lane bucket's figures, for the RateLimit-* headers (absent when the tenant has no lane limit). */
  lane?: { spec: BucketSpec; result: TakeResult };
  /** Gives back the unused part of the token reservation once real usage is known. */
  settle(usedTokens: number): Promise<void>;
}

interface Taken {
  key: string;
  spec: BucketSpec;
  n: number;
  global: boolean;
}

/**
 * Admission against a tenant's limits, in two layers: the local bucket refuses what is certainly
 * over without a network call; the global bucket (Redis, when configured) has the final word. In
 * order: the lane's request bucket, each requested tool's bucket, the tokens-per-minute bucket. A
 * refusal at any step gives back what earlier steps took, so a tool bucket refusing does not
 * spend the tenant's request tokens and vice versa. On Redis trouble, each lane follows its
 * policy: fail open to the local decision, or fail closed with a 503.
 */
export class Admission {
  constructor(
    private readonly config: Config,
    private readonly local: LocalLimiter,
    private readonly global: GlobalLimiter | undefined,
    private readonly trace: Trace,
  ) {}

  async admit(req: AdmissionRequest): Promise<Admitted> {
    const limits = req.tenant.limits;
    const taken: Taken[] = [];
    const id = req.tenant.id;
    let lane: Admitted['lane'];
    try {
      const bucket = laneBucket(limits, req.lane);
      // The lane's own failure policy applies, even when it draws from the other lane's bucket.
      if (bucket) lane = { spec: bucket.spec, result: await this.take(taken, `${id}:${bucket.lane}`, bucket.spec, 1, bucket.lane, this.failOpen(req.lane)) };
      for (const tool of req.tools) {
        const spec = limits?.tools?.[tool];
        if (spec) await this.take(taken, `${id}:tool:${tool}`, spec, 1, `tool:${tool}`, this.config.rateLimit.failOpen.tools);
      }
      const tpm = limits?.tokensPerMinute;
      // A reservation can never exceed the whole bucket, or it could never be admitted.
      if (tpm) await this.take(taken, `${id}:tpm`, tpmSpec(tpm), Math.min(req.reserveTokens, tpm), 'tokens_per_minute', this.failOpen(req.lane));
    } catch (err) {
      await Promise.all(taken.map((t) => this.refund(t, t.n)));
      throw err;
    }
    const reservation = taken.find((t) => t.key.endsWith(':tpm'));
    return {
      lane,
      settle: async (used) => {
        if (reservation) await this.refund(reservation, reservation.n - Math.min(used, reservation.n));
      },
    };
  }

  private failOpen(lane: Lane): boolean {
    return this.config.rateLimit.failOpen[lane];
  }

  /** One take in both layers; throws the refusal (429) or, failing closed, the 503. */
  private async take(taken: Taken[], key: string, spec: BucketSpec, n: number, limit: string, failOpen: boolean): Promise<TakeResult> {
    const local = this.local.take(key, spec, n);
    if (!local.ok) throw limited(limit, spec, local);
    const entry: Taken = { key, spec, n, global: false };
    taken.push(entry);
    if (!this.global) return local;
    try {
      const global = await this.global.take(key, spec, n);
      if (!global.ok) throw limited(limit, spec, global);
      entry.global = true;
      return global;
    } catch (err) {
      if (!(err instanceof LimiterUnavailable)) throw err;
      this.trace.set('ratelimit_redis', failOpen ? 'fail-open' : 'fail-closed');
      if (failOpen) return local;
      throw new GatewayError('The rate limiter is unavailable; retry shortly.', { status: 503, code: 'rate_limiter_unavailable', retryAfter: 1, param: limit });
    }
  }

  private async refund(t: Taken, n: number): Promise<void> {
    if (n <= 0) return;
    this.local.refund(t.key, t.spec, n);
    if (t.global && this.global) await this.global.refund(t.key, t.spec, n).catch(() => this.trace.set('ratelimit_refund_failed', true));
  }
}

/**
 * The bucket a lane's requests draw from: its own, else the other lane's (same key, so both lanes
 * share it). A lane the tenant left unconfigured is never a way around the one it configured; only
 * a tenant with no lane limits at all is unlimited by lane.
 */
export function laneBucket(limits: TenantConfig['limits'], lane: Lane): { lane: Lane; spec: BucketSpec } | undefined {
  const other: Lane = lane === 'batch' ? 'interactive' : 'batch';
  if (limits?.[lane]) return { lane, spec: limits[lane] };
  if (limits?.[other]) return { lane: other, spec: limits[other] };
  return undefined;
}

/** tokensPerMinute as a bucket: a minute's worth, refilled continuously. */
const tpmSpec = (tpm: number): BucketSpec => ({ capacity: tpm, refillPerSecond: tpm / 60 });

/** RateLimit-* header values for a bucket after a decision (draft-ietf-httpapi-ratelimit-headers). */
export function rateLimitHeaders(spec: BucketSpec, result: TakeResult): Record<string, string> {
  return {
    'ratelimit-limit': String(spec.capacity),
    'ratelimit-remaining': String(result.remaining),
    'ratelimit-reset': String(Number.isFinite(result.resetMs) ? Math.ceil(result.resetMs / 1000) : 0),
  };
}

function limited(limit: string, spec: BucketSpec, result: TakeResult): GatewayError {
  const what = limit === 'tokens_per_minute' ? 'tokens per minute' : limit.startsWith('tool:') ? `the tool "${limit.slice(5)}"` : `${limit} requests`;
  return new GatewayError(`Rate limit exceeded for ${what}; retry after the Retry-After interval.`, {
    status: 429,
    code: 'rate_limit_exceeded',
    param: limit,
    retryAfter: Number.isFinite(result.retryAfterMs) ? Math.max(1, Math.ceil(result.retryAfterMs / 1000)) : 60,
    headers: rateLimitHeaders(spec, result),
  });
}
