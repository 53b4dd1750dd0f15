// The test-only Upstash REST bridge (test/harness/redis.ts) in front of a real redis-server,
// driven by the real clients the gateway uses: @upstash/redis and @upstash/ratelimit. If these
// pass, a gateway talking to the bridge talks to Redis exactly as it would through Upstash.
import { createHash } from 'node:crypto';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertRedisInCI, skipWithoutRedis, startRedis, startUpstashBridge, type RedisServer, type UpstashBridge } from './harness/redis.ts';

const TOKEN = 'bridge-test-token';
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const b64 = (s: string) => Buffer.from(s).toString('base64');
let n = 0;
/** A key no other test uses. */
const key = (name: string) => `t${++n}:${name}`;

// Outside CI a missing redis-server skips the suite below; in CI it fails this test (and the suite).
it('redis-server is installed where required (always in CI)', assertRedisInCI);

describe.skipIf(skipWithoutRedis())('Upstash REST bridge over a real redis-server', () => {
  let server: RedisServer;
  let bridge: UpstashBridge;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    bridge = await startUpstashBridge(server.port, { token: TOKEN });
    redis = new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false });
  });
  afterAll(async () => {
    await bridge?.close();
    await server?.stop();
  });

  /** A raw request, as the protocol is spelled out (not through the client). */
  const raw = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${bridge.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('speaks the wire protocol: auth, encodings, errors, pipeline and multi-exec shapes', async () => {
    const unauth = await fetch(bridge.url, { method: 'POST', body: '["PING"]' });
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toEqual({ error: 'Unauthorized' });
    const wrong = await fetch(bridge.url, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: '["PING"]' });
    expect(wrong.status).toBe(401);

    const k = key('wire');
    expect(await raw('/', ['SET', k, 'héllo ✓', 'EX', 10])).toEqual({ status: 200, body: { result: 'OK' } });
    expect(await raw('/', ['GET', k])).toEqual({ status: 200, body: { result: 'héllo ✓' } });
    expect(await raw('/', ['GET', k], { 'upstash-encoding': 'base64' })).toEqual({ status: 200, body: { result: b64('héllo ✓') } });
    expect(await raw('/', ['GET', key('missing')], { 'upstash-encoding': 'base64' })).toEqual({ status: 200, body: { result: null } });
    expect(await raw('/', ['TTL', k], { 'upstash-encoding': 'base64' })).toMatchObject({ body: { result: expect.any(Number) } });

    const bad = await raw('/', ['INCR', k]);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^ERR value is not an integer/);

    const h = key('hash');
    await raw('/', ['HSET', h, 'a', '1', 'b', 'x']);
    expect((await raw('/', ['HGETALL', h])).body).toEqual({ result: ['a', '1', 'b', 'x'] });
    expect((await raw('/', ['HGETALL', h], { 'upstash-encoding': 'base64' })).body).toEqual({ result: [b64('a'), b64('1'), b64('b'), b64('x')] });

    expect(await raw('/pipeline', [['SET', key('p'), 'v'], ['INCR', k], ['ECHO', 'e']])).toEqual({
      status: 200,
      body: [{ result: 'OK' }, { error: expect.stringMatching(/^ERR value is not an integer/) }, { result: 'e' }],
    });
    expect(await raw('/multi-exec', [['SET', key('m'), '5'], ['INCRBY', key('m2'), 3]])).toEqual({
      status: 200,
      body: [{ result: 'OK' }, { result: 3 }],
    });
    const aborted = await raw('/multi-exec', [['SET', key('m'), '5'], ['NOSUCHCOMMAND']]);
    expect(aborted.status).toBe(400);
    expect(aborted.body.error).toMatch(/^EXECABORT/);
  });

  it('set/get with a TTL, incr, hset/hgetall through @upstash/redis', async () => {
    const k = key('ttl');
    expect(await redis.set(k, 'value', { ex: 10 })).toBe('OK');
    expect(await redis.get(k)).toBe('value');
    const ttl = await redis.ttl(k);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10);

    const short = key('px');
    await redis.set(short, { nested: ['json', 1] }, { px: 60 });
    expect(await redis.get(short)).toEqual({ nested: ['json', 1] });
    await new Promise((r) => setTimeout(r, 120));
    expect(await redis.get(short)).toBeNull();

    const c = key('counter');
    expect(await redis.incr(c)).toBe(1);
    expect(await redis.incrby(c, 41)).toBe(42);
    expect(await redis.get(c)).toBe(42);

    const h = key('hash');
    expect(await redis.hset(h, { model: 'sim-small', tokens: 7, note: 'ünïcode' })).toBe(3);
    expect(await redis.hgetall(h)).toEqual({ model: 'sim-small', tokens: 7, note: 'ünïcode' });
    expect(await redis.hgetall(key('nohash'))).toBeNull();
  });

  it('pipeline and multi-exec', async () => {
    const a = key('a');
    const b = key('b');
    const p = redis.pipeline();
    p.set(a, 'x');
    p.incr(b);
    p.incr(b);
    p.get(a);
    p.mget(a, b, key('none'));
    expect(await p.exec()).toEqual(['OK', 1, 2, 'x', ['x', 2, null]]);

    const tx = redis.multi();
    tx.incr(b);
    tx.expire(b, 30);
    tx.get(b);
    expect(await tx.exec()).toEqual([3, 1, 3]);

    // A runtime error inside EXEC fails that command only; the client reports it.
    const failing = redis.multi();
    failing.incr(a);
    failing.get(b);
    await expect(failing.exec()).rejects.toThrow(/Command 1 \[ incr \] failed: ERR value is not an integer/);
    expect(await redis.get(b)).toBe(3);
  });

  it('eval, evalsha and script hashes of scripts with an Upstash shebang', async () => {
    const k = key('eval');
    expect(await redis.eval('return {KEYS[1], ARGV[1], 42, redis.call("INCR", KEYS[1])}', [k], ['arg'])).toEqual([k, 'arg', 42, 1]);

    const body = `#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`;
    const counter = key('script');
    const script = redis.createScript<number>(body);
    // First exec: EVALSHA of an unknown hash → NOSCRIPT → EVAL (shebang stripped); then EVALSHA hits.
    expect(await script.exec([counter], ['2'])).toBe(2);
    const before = bridge.commands;
    expect(await script.exec([counter], ['3'])).toBe(5);
    expect(bridge.commands - before).toBe(1); // no fallback to EVAL this time
    expect(await redis.evalsha(sha1(body), [counter], ['1'])).toBe(6);

    const other = `#!lua flags=allow-key-locking\nreturn 'loaded'`;
    expect(await redis.scriptLoad(other)).toBe(sha1(other));
    expect(await redis.scriptExists(sha1(other), sha1('never loaded'))).toEqual([1, 0]);
    expect(await redis.evalsha(sha1(other), [], [])).toBe('loaded');
    await expect(redis.evalsha(sha1('never loaded'), [], [])).rejects.toThrow(/NOSCRIPT/);
  });

  it('@upstash/ratelimit token bucket: 4 clients × 250 concurrent calls spend exactly 100 tokens', async () => {
    const id = key('tenant');
    const prefix = `rl-${Date.now()}`;
    const limiters = Array.from(
      { length: 4 },
      () =>
        new Ratelimit({
          // A client per limiter, like separate isolates.
          redis: new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false }),
          limiter: Ratelimit.tokenBucket(1, '1 h', 100),
          prefix,
          analytics: false,
        }),
    );
    const results = await Promise.all(limiters.flatMap((rl) => Array.from({ length: 250 }, () => rl.limit(id))));
    const passed = results.filter((r) => r.success);
    expect(results.filter((r) => r.reason === 'timeout')).toEqual([]);
    expect(passed.length).toBe(100);
    // Each token went to exactly one call: remaining counts 99…0, once each.
    expect(new Set(passed.map((r) => r.remaining)).size).toBe(100);
    expect(results.every((r) => r.limit === 100)).toBe(true);
    // Another client sees the bucket empty too.
    const late = new Ratelimit({ redis: new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false }), limiter: Ratelimit.tokenBucket(1, '1 h', 100), prefix });
    expect((await late.limit(id)).success).toBe(false);
    expect((await late.getRemaining(id)).remaining).toBe(0);
  });

  it("setBroken('error') → the client throws; 'hang' → a client-side timeout rejects; 'ok' → normal again", async () => {
    const k = key('broken');
    await redis.set(k, 'v');
    const seen = bridge.requests;

    bridge.setBroken('error');
    await expect(redis.get(k)).rejects.toThrow(/simulated failure/);
    expect(bridge.requests).toBe(seen + 1);

    bridge.setBroken('hang');
    const impatient = new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false, retry: false, signal: () => AbortSignal.timeout(200) });
    const started = Date.now();
    await expect(impatient.get(k)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);

    bridge.setBroken('ok');
    expect(await redis.get(k)).toBe('v');
    expect(await impatient.get(k)).toBe('v');
  });

  it('a paused redis-server hangs the bridge until resumed', async () => {
    const k = key('paused');
    await redis.set(k, 'still here');
    const impatient = new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false, retry: false, signal: () => AbortSignal.timeout(200) });
    server.pause();
    try {
      await expect(impatient.get(k)).rejects.toThrow();
    } finally {
      server.resume();
    }
    expect(await redis.get(k)).toBe('still here');
  });

  it('close() returns promptly with requests hanging', async () => {
    const other = await startUpstashBridge(server.port, { token: TOKEN });
    other.setBroken('hang');
    const hung = fetch(other.url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '["PING"]' });
    await new Promise((r) => setTimeout(r, 50));
    expect(other.requests).toBe(1);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(hung).rejects.toThrow();
  });
});
