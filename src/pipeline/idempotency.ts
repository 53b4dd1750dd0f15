import type { MiddlewareHandler } from 'hono';
import { redisClient } from '../cache/isolate';
import { MemoryIdempotencyStore, RedisIdempotencyStore, type IdempotencyStore } from '../cache/idempotency-store';
import { canonicalJson } from '../cache/key';
import { GatewayError, invalidRequest } from '../errors';
import { systemClock } from '../util/clock';
import { sha256Hex } from '../util/sha256';
import type { AppEnv } from './context';

const TTL_SECONDS = 24 * 60 * 60;
const memoryStore = new MemoryIdempotencyStore(systemClock);
/** Response headers worth replaying (the rest belong to the first response only). */
const KEPT = /^(content-type|x-gateway-|ratelimit-)/;

/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header), per tenant, kept 24 h: the first
 * request runs; a duplicate while it runs gets 409; a later one gets the stored response replayed
 * (a stream as a stream); the same key with a different body gets 422. A 5xx or an unfinished
 * stream is not stored, so the client's retry runs again.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async function idempotency(c, next) {
    const header = c.req.header('idempotency-key');
    if (header === undefined) return next();
    if (!/^[\x20-\x7e]{1,255}$/.test(header)) {
      throw invalidRequest('Idempotency-Key must be 1 to 255 printable ASCII characters.', 'Idempotency-Key');
    }
    const { tenant, chat, trace } = c.var;
    const redis = redisClient(c.env);
    const store: IdempotencyStore = redis ? new RedisIdempotencyStore(redis) : memoryStore;
    const key = `gw:idem:${encodeURIComponent(tenant.id)}:${await sha256Hex(header)}`;
    const fingerprint = await sha256Hex(canonicalJson(chat));
    const existing = await store.claim(key, { fingerprint, state: 'running' }, TTL_SECONDS);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new GatewayError('This Idempotency-Key was already used with a different request body.', { status: 422, code: 'idempotency_key_reused', param: 'Idempotency-Key' });
      }
      if (existing.state === 'running') {
        throw new GatewayError('A request with this Idempotency-Key is still in progress.', { status: 409, code: 'idempotency_conflict', param: 'Idempotency-Key', retryAfter: 1 });
      }
      trace.set('idempotent_replay', true);
      return c.body(existing.body ?? '', existing.status as 200, { ...existing.headers, 'idempotent-replayed': 'true' });
    }
    trace.set('idempotency', 'first');
    try {
      await next();
    } catch (err) {
      await store.release(key).catch(() => {});
      throw err;
    }
    // Keep a copy of the body as it goes out; store it once the response (or stream) has ended well.
    const res = c.res;
    if (res.status >= 500 || !res.body) {
      c.executionCtx.waitUntil(store.release(key).catch(() => {}));
      return;
    }
    const [toClient, toStore] = res.body.tee();
    c.res = new Response(toClient, res);
    const headers = Object.fromEntries([...res.headers].filter(([name]) => KEPT.test(name)));
    c.executionCtx.waitUntil(
      (async () => {
        const body = await new Response(toStore).text();
        await trace.finished;
        const ok = trace.fields.outcome === undefined || trace.fields.outcome === 'complete';
        if (ok) await store.complete(key, { fingerprint, state: 'done', status: res.status, headers, body }, TTL_SECONDS);
        else await store.release(key);
      })().catch(() => store.release(key).catch(() => {})),
    );
  };
}
