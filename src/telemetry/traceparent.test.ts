import { describe, expect, it } from 'vitest';
import { continueTrace, formatTraceparent } from './traceparent';

describe('traceparent', () => {
  it('continues a valid trace with a new span id and the same flags', () => {
    const t = continueTrace('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
    expect(t.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(t.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(t.spanId).not.toBe('00f067aa0ba902b7');
    expect(formatTraceparent(t)).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${t.spanId}-00`);
  });

  it.each([
    null,
    '',
    'garbage',
    'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
  ])('starts a new sampled trace for %j', (header) => {
    const t = continueTrace(header);
    expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(t.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(t.flags).toBe('01');
  });
});
