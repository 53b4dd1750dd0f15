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

  it('passes the provider message for client errors only; never for auth errors, which may echo the key', () => {
    expect(upstreamHttpError(400, body('max_tokens is too large'), null).message).toContain('max_tokens is too large');
    expect(upstreamHttpError(401, body('Incorrect API key provided: sk-abc***xyz'), null).message).not.toContain('sk-abc');
  });

  it('carries Retry-After on 429 and 503, defaulting to 1 s', () => {
    expect(upstreamHttpError(429, '', '12').retryAfter).toBe(12);
    expect(upstreamHttpError(503, 'not json', null).retryAfter).toBe(1);
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
