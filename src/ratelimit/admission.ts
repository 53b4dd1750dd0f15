import type { TenantConfig, Config } from '../config';
import { GatewayError } from '../errors';
import type { Trace } from '../telemetry/trace';
import { LimiterUnavailable, type GlobalLimiter } from './global-limiter';
import type { LocalLimiter } from './local-limiter';
import { NANO, spendDay, toNano, type SpendLedger } from './spend';
import type { BucketSpec, TakeResult } from './token-bucket';

export type Lane = 'interactive' | 'batch';

export interface AdmissionRequest {
  tenant: TenantConfig;
  lane: Lane;
  tools: readonly string[];
  /** Tokens to reserve against tokensPerMinute: prompt estimate + max_tokens (or the default). */
  reserveTokens: number;
  /** The worst-case cost to reserve against `usdPerDay` (prompt estimate × input + max tokens × output). */
  reserveUsd?: number;
}

/** Where a tenant's daily spend is kept: the shared ledger (Redis) and this isolate's, for Redis trouble. */
export interface SpendLedgers {
  shared?: SpendLedger;
  local: SpendLedger;
}

export interface Admitted {
  /** The lane bucket's figures, for the RateLimit-* headers (absent when the tenant has no lane limit). */
  lane?: { spec: BucketSpec; result: TakeResult };
  /** Gives back the unused part of the reservations once real usage and cost are known. */
  settle(usedTokens: number, costUsd?: number): Promise<void>;
  /** The spend figures for response headers (when the tenant has a `usdPerDay`). */
  spend?: Record<string, string>;
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
    private readonly spend?: SpendLedgers,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(req: AdmissionRequest): Promise<Admitted> {
    const limits = req.tenant.limits;
    const taken: Taken[] = [];
    const id = req.tenant.id;
    let lane: Admitted['lane'];
    let spend: Awaited<ReturnType<Admission['reserveSpend']>> | undefined;
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
      // Money last: a refusal above never holds a spend reservation.
      const usd = limits?.usdPerDay;
      spend = usd !== undefined && req.reserveUsd !== undefined ? await this.reserveSpend(id, usd, req.reserveUsd, req.lane) : undefined;
    } catch (err) {
      await Promise.all(taken.map((t) => this.refund(t, t.n)));
      throw err;
    }
    const reservation = taken.find((t) => t.key.endsWith(':tpm'));
    return {
      lane,
      spend: spend?.headers,
      settle: async (used, costUsd) => {
        if (reservation) await this.refund(reservation, reservation.n - Math.min(used, reservation.n));
        if (spend) await spend.settle(costUsd ?? 0);
      },
    };
  }

  /**
   * Reserves the request's worst-case cost against the tenant's `usdPerDay` for today (UTC),
   * atomically across isolates on Redis; settled to the real cost once it is known. On Redis
   * trouble the lane's policy applies: admit on this isolate's ledger, or refuse with a 503.
   */
  private async reserveSpend(tenantId: string, limitUsd: number, reserveUsd: number, lane: Lane) {
    const { key, resetSeconds } = spendDay(tenantId, this.now());
    const ttl = resetSeconds + 3600;
    const nano = toNano(reserveUsd);
    const limitNano = Math.round(limitUsd * NANO);
    let ledger = this.spend?.shared ?? this.spend!.local;
    // Names this reservation on the shared ledger: if Redis answers too late, the reservation may
    // still have landed there — it is then undone at the request's end, exactly once.
    const token = `${key}:r:${this.trace.requestId}`;
    let orphan: SpendLedger | undefined;
    let result;
    try {
      result = await ledger.reserve(key, nano, limitNano, ttl, token);
    } catch (err) {
      if (!(err instanceof LimiterUnavailable)) throw err;
      orphan = ledger;
      const failOpen = this.failOpen(lane);
      this.trace.set('spend_redis', failOpen ? 'fail-open' : 'fail-closed');
      if (!failOpen) throw new GatewayError('The spend limiter is unavailable; retry shortly.', { status: 503, code: 'rate_limiter_unavailable', retryAfter: 1, param: 'usd_per_day' });
      ledger = this.spend!.local;
      result = await ledger.reserve(key, nano, limitNano, ttl);
    }
    const headers = (spent: number) => ({
      'x-gateway-spend-limit-usd': String(limitUsd),
      'x-gateway-spend-remaining-usd': String(Math.max(0, limitNano - spent) / NANO),
    });
    if (!result.ok) {
      throw new GatewayError(`Spend limit of $${limitUsd} a day reached; it resets at midnight UTC.`, {
        status: 429,
        code: 'spend_limit_exceeded',
        param: 'usd_per_day',
        retryAfter: resetSeconds,
        headers: headers(result.spent),
      });
    }
    this.trace.set('spend_reserved_usd', nano / NANO);
    return {
      headers: headers(result.spent),
      settle: async (costUsd: number) => {
        if (orphan?.compensate) await orphan.compensate(key, token).catch(() => this.trace.set('spend_compensate_failed', true));
        await ledger.adjust(key, toNano(costUsd) - nano, ttl, ledger === orphan ? undefined : token).catch(() => this.trace.set('spend_settle_failed', true));
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
