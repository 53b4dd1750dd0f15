import type { MiddlewareHandler } from 'hono';
import { RedisIdempotencyStore, type IdempotencyStore } from '../cache/idempotency-store';
import { canonicalJson } from '../cache/key';
import { GatewayError, invalidRequest } from '../errors';
import { sha256Hex } from '../util/sha256';
import type { AppEnv } from './context';

const TTL_SECONDS = 24 * 60 * 60;
/** Bodies larger than this are not kept (the key is released instead): memory stays bounded. */
const MAX_BODY = 256 * 1024;
/** Response headers worth replaying (the rest belong to the first response only). */
const KEPT = /^(content-type|cache-control|x-gateway-model|x-gateway-tier|x-gateway-endpoint|x-gateway-degraded)$/;
/** Outcomes a retry may change: never stored, so the retry runs again. */
const transient = (status: number) => status >= 500 || status === 408 || status === 422 || status === 429 || status === 499;

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
    const { tenant, chat, trace, catalog, state } = c.var;
    const span = trace.span('idempotency');
    const memoryStore = state.idempotency;
    const redis = state.cache.redisClient(c.env, catalog.config);
    const key = `gw:idem:${encodeURIComponent(tenant.id)}:${await sha256Hex(header)}`;
    const fingerprint = await sha256Hex(canonicalJson(chat));
    // `running` lives only as long as a request can: a record orphaned by a dead isolate expires.
    const runningTtl = Math.ceil(catalog.config.budgets.totalMs / 1000) + 30;
    let store: IdempotencyStore = redis ? new RedisIdempotencyStore(redis, catalog.config.rateLimit.redisTimeoutMs * 3) : memoryStore;
    let existing;
    try {
      existing = await store.claim(key, { fingerprint, state: 'running' }, runningTtl);
    } catch {
      // Redis trouble never fails the request: this isolate's memory keeps the key instead.
      trace.set('idempotency_degraded', true);
      store = memoryStore;
      existing = await store.claim(key, { fingerprint, state: 'running' }, runningTtl);
    }
    span({ outcome: !existing ? 'first' : existing.fingerprint !== fingerprint ? 'reused' : existing.state === 'running' ? 'conflict' : 'replay' });
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
    if (transient(res.status) || !res.body) {
      c.executionCtx.waitUntil(store.release(key).catch(() => {}));
      return;
    }
    const [toClient, toStore] = res.body.tee();
    c.res = new Response(toClient, res);
    const headers = Object.fromEntries([...res.headers].filter(([name]) => KEPT.test(name)));
    c.executionCtx.waitUntil(
      (async () => {
        const body = await new Response(toStore).text();
        const outcome = await c.get('end').promise;
        // A stream is kept only when it ran to its end; a JSON response (its status already
        // judged above) is whole once it was built.
        const stream = res.headers.get('content-type')?.startsWith('text/event-stream');
        const ok = (!stream || outcome === 'complete') && body.length <= MAX_BODY;
        if (ok) await store.complete(key, { fingerprint, state: 'done', status: res.status, headers, body }, TTL_SECONDS);
        else await store.release(key);
      })().catch(() => store.release(key).catch(() => {})),
    );
  };
}
