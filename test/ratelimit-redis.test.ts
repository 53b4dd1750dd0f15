// The global layer against a real redis-server (through the test-only Upstash REST bridge):
// exactness across separate limiter instances (as separate isolates would be), token reservations
// under concurrency, and what Redis trouble does per lane.
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config, type TenantConfig } from '../src/config';
import { Admission } from '../src/ratelimit/admission';
import { GlobalLimiter } from '../src/ratelimit/global-limiter';
import { LocalLimiter } from '../src/ratelimit/local-limiter';
import { RedisSpendLedger } from '../src/ratelimit/spend';
import { Trace } from '../src/telemetry/trace';
import { systemClock } from '../src/util/clock';
import { assertRedisInCI, skipWithoutRedis, startUpstash, type RedisServer, type Upstash, type UpstashBridge } from './harness/redis.ts';
import { TEST_BINDINGS, testConfig } from './harness/config.ts';

const TOKEN = 'gw-test-token';
let n = 0;
const tenantId = () => `tenant-${Date.now()}-${++n}`;

it('redis-server is installed where required (always in CI)', assertRedisInCI);

describe.skipIf(skipWithoutRedis())('global limits on real Redis', () => {
  let upstash: Upstash;
  let server: RedisServer;
  let bridge: UpstashBridge;
  const client = () => new Redis({ url: bridge.url, token: TOKEN, retry: false, enableTelemetry: false });
  const config = (rateLimit: Record<string, unknown> = {}): Config => {
    const parsed = parseConfig(JSON.stringify({ ...testConfig({ providerUrl: 'http://127.0.0.1:9' }), rateLimit }), TEST_BINDINGS);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.config;
  };
  const tenant = (limits: TenantConfig['limits']): TenantConfig => ({ id: tenantId(), apiKeyHashes: ['0'.repeat(64)], allowedModels: ['*'], maxTier: 'large', cache: true, logContent: false, limits });

  beforeAll(async () => {
    upstash = await startUpstash(TOKEN);
    ({ server, bridge } = upstash);
  });
  afterAll(async () => {
    await upstash?.close();
  });

  it('4 clients (separate limiter instances) × 250 concurrent requests against capacity 100 admit exactly 100', async () => {
    const key = tenantId();
    const spec = { capacity: 100, refillPerSecond: 0.001 };
    const limiters = Array.from({ length: 4 }, () => new GlobalLimiter(client(), 5000));
    const results = await Promise.all(limiters.flatMap((l) => Array.from({ length: 250 }, () => l.take(key, spec))));
    const admitted = results.filter((r) => r.ok).length;
    expect(Math.abs(admitted - 100)).toBeLessThanOrEqual(1);
  });

  it('TPM: concurrent large reservations never overrun by more than one reservation; a settle refunds the rest', async () => {
    const cfg = config({ redisTimeoutMs: 5000 });
    const t = tenant({ tokensPerMinute: 10_000 });
    const admissions = Array.from({ length: 4 }, () => new Admission(cfg, new LocalLimiter(systemClock), new GlobalLimiter(client(), 5000), new Trace(null)));
    const reserve = 3000;
    const outcomes = await Promise.allSettled(admissions.flatMap((a) => Array.from({ length: 10 }, () => a.admit({ tenant: t, lane: 'interactive', tools: [], reserveTokens: reserve }))));
    const admitted = outcomes.filter((o) => o.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<Admission['admit']>>>[];
    // 10,000 tokens a minute: three 3,000-token reservations fit, a fourth would overrun.
    expect(admitted.length * reserve).toBeLessThanOrEqual(10_000 + reserve);
    expect(admitted.length).toBe(3);
    // Real usage was 500 each: settling gives back 2,500 × 3, enough for two more reservations.
    await Promise.all(admitted.map((o) => o.value.settle(500)));
    const more = await Promise.allSettled(Array.from({ length: 4 }, () => admissions[0]!.admit({ tenant: t, lane: 'interactive', tools: [], reserveTokens: reserve })));
    expect(more.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
  });

  // The real server is paused (SIGSTOP), then stopped for good: the last test of the suite.
  for (const [trouble, breakIt, mend] of [
    ['hung', async () => server.pause(), () => server.resume()],
    ['stopped', () => server.stop(), () => {}],
  ] as const) {
    it(`Redis ${trouble}: interactive fails open, batch and tools fail closed (503), each within the timeout + a margin`, async () => {
      const cfg = config({ redisTimeoutMs: 100 });
      const t = tenant({ interactive: { capacity: 10, refillPerSecond: 1 }, batch: { capacity: 10, refillPerSecond: 1 }, tools: { search: { capacity: 10, refillPerSecond: 1 } } });
      await breakIt();
      try {
        const trace = new Trace(null);
        const admission = new Admission(cfg, new LocalLimiter(systemClock), new GlobalLimiter(client(), cfg.rateLimit.redisTimeoutMs), trace);
        const timed = async (work: () => Promise<unknown>) => {
          const start = performance.now();
          const outcome = await work().then(() => 'admitted', (e: { status?: number }) => e.status);
          return { outcome, ms: performance.now() - start };
        };
        const interactive = await timed(() => admission.admit({ tenant: t, lane: 'interactive', tools: [], reserveTokens: 1 }));
        const batch = await timed(() => admission.admit({ tenant: t, lane: 'batch', tools: [], reserveTokens: 1 }));
        const tool = await timed(() => admission.admit({ tenant: t, lane: 'interactive', tools: ['search'], reserveTokens: 1 }));
        expect([interactive.outcome, batch.outcome, tool.outcome]).toEqual(['admitted', 503, 503]);
        for (const r of [interactive, batch, tool]) expect(r.ms).toBeLessThan(cfg.rateLimit.redisTimeoutMs * 2 + 250);
        expect(trace.fields.ratelimit_redis).toBeDefined();
      } finally {
        mend();
      }
    });
  }
});

describe.skipIf(skipWithoutRedis())('the spend ledger on real Redis', () => {
  let upstash: Upstash;
  beforeAll(async () => {
    upstash = await startUpstash('gw-spend-ledger');
  });
  afterAll(() => upstash?.close());

  it('a reservation that landed after its caller gave up is undone exactly once; a settled one never', async () => {
    const redis = new Redis({ url: upstash.bridge.url, token: 'gw-spend-ledger', retry: false, enableTelemetry: false });
    const ledger = new RedisSpendLedger(redis, 5000);
    const key = `gw:spend:t-${Date.now()}:2026-11-29`;
    expect(await ledger.reserve(key, 700, 1000, 60, `${key}:r:1`)).toEqual({ ok: true, spent: 700 });
    await ledger.compensate(`${key}`, `${key}:r:1`);
    await ledger.compensate(`${key}`, `${key}:r:1`);
    expect(Number(await redis.get(key))).toBe(0);
    // A settled reservation: its marker is gone, compensation is a no-op.
    await ledger.reserve(key, 500, 1000, 60, `${key}:r:2`);
    await ledger.adjust(key, 300 - 500, 60, `${key}:r:2`);
    await ledger.compensate(key, `${key}:r:2`);
    expect(Number(await redis.get(key))).toBe(300);
    // Refused: nothing reserved, nothing marked.
    expect((await ledger.reserve(key, 800, 1000, 60, `${key}:r:3`)).ok).toBe(false);
    await ledger.compensate(key, `${key}:r:3`);
    expect(Number(await redis.get(key))).toBe(300);
  });
});
