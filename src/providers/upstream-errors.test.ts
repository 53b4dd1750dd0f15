import { describe, expect, it } from 'vitest';
import { parseRetryAfter, upstreamHttpError } from './upstream-errors';

const body = (message: string, code?: string) => JSON.stringify({ error: { message, code } });

describe('upstreamHttpError', () => {
  it.each([
    [400, 400, 'context_length_exceeded'],
    [422, 422, 'context_length_exceeded'],
    [401, 502, 'upstream_auth_failed'],
    [403, 502, 'upstream_auth_failed'],
    [404, 502, 'upstream_model_not_found'],
    [408, 504, 'upstream_timeout'],
    [429, 429, 'upstream_rate_limited'],
    [500, 502, 'upstream_error'],
    [502, 502, 'upstream_error'],
    [503, 503, 'upstream_unavailable'],
  ])('maps upstream %i to %i %s', (status, mapped, code) => {
    const err = upstreamHttpError(status, body('Too long', 'context_length_exceeded'), null);
    expect([err.status, err.code]).toEqual([mapped, code]);
  });

  it.each([['internal_error'], ['config_invalid'], ['x y'], ['<script>'], ['a'.repeat(80)]])(
    'a provider code the client must not see as such (%s) becomes upstream_rejected (found by the fuzz test)',
    (code) => {
      expect(upstreamHttpError(400, body('bad', code), null).code).toBe('upstream_rejected');
    },
  );

  it('passes the provider message for client errors only; never for auth errors, which may echo the key', () => {
    expect(upstreamHttpError(400, body('max_tokens is too large'), null).message).toContain('max_tokens is too large');
    expect(upstreamHttpError(401, body('Incorrect API key provided: sk-abc***xyz'), null).message).not.toContain('sk-abc');
  });

  it('masks the endpoint key and key-shaped tokens in the message, code and param it passes on', () => {
    const key = 'canary-key-0042';
    const echo = JSON.stringify({ error: { message: `bad key ${key}, got Bearer ${key}`, code: `c-${key}`, param: 'sk-leaked-123456' } });
    for (const status of [400, 413, 422]) {
      const err = upstreamHttpError(status, echo, null, { secrets: [key] });
      expect(JSON.stringify([err.message, err.code, err.param])).not.toMatch(/canary|Bearer|sk-leaked/);
      expect(err.message).toContain('bad key [redacted]');
    }
  });

  it('masks before cutting a long message, so no part of a key survives the cut', () => {
    const key = 'k'.repeat(20);
    const err = upstreamHttpError(400, body(`${'x'.repeat(490)}${key}`), null, { secrets: [key] });
    expect(err.message).not.toContain('kkkk');
  });

  it('carries Retry-After on 429 and 503, defaulting to 1 s', () => {
    expect(upstreamHttpError(429, '', '12').retryAfter).toBe(12);
    expect(upstreamHttpError(503, 'not json', null).retryAfter).toBe(1);
  });
});

describe('Retry-After cap', () => {
  it('caps delta-seconds and far-off HTTP dates, for the client and for the endpoint pause alike', () => {
    for (const header of ['99999', 'Fri, 01 Jan 2100 00:00:00 GMT']) {
      for (const status of [429, 503]) {
        const err = upstreamHttpError(status, '', header, { maxRetryAfterSeconds: 60 });
        expect([err.retryAfter, err.upstreamRetryAfter]).toEqual([60, 60]);
      }
    }
    expect(upstreamHttpError(429, '', '7', { maxRetryAfterSeconds: 60 }).retryAfter).toBe(7);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-27T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Fri, 27 Nov 2026 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Thu, 26 Nov 2026 00:00:10 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
