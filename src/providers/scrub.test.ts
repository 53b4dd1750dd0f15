import { describe, expect, it } from 'vitest';
import { scrubSecrets } from './scrub';

describe('scrubSecrets', () => {
  it('masks the given key wherever it appears, whatever its shape', () => {
    const key = 'canary-7f3a9c2e5b1d';
    expect(scrubSecrets(`Incorrect API key provided: ${key}; again ${key}.`, [key])).toBe('Incorrect API key provided: [redacted]; again [redacted].');
  });

  it.each([
    ['sk- keys, masked ones too', 'bad key sk-proj-abc123DEF456 or sk-abc***xyz', 'bad key [redacted] or [redacted]'],
    ['bearer and basic credentials, with the scheme', 'got "Authorization: Bearer anything-at-all"', 'got "Authorization: [redacted]"'],
    ['basic credentials', 'Basic Zm9vOmJhcg== was sent', '[redacted] was sent'],
    ['key assignments, keeping the name', 'api_key=abcd token: "zzz" password=hunter2', 'api_key=[redacted] token: "[redacted]" password=[redacted]'],
    ['long opaque tokens', 'key 0123456789abcdef0123456789abcdef01 rejected', 'key [redacted] rejected'],
  ])('masks %s', (_name, input, output) => {
    expect(scrubSecrets(input)).toBe(output);
  });

  it('leaves ordinary provider messages alone', () => {
    for (const text of [
      "This model's maximum context length is 128000 tokens. However, you requested 130512 tokens.",
      'Invalid value for max_tokens: context_length_exceeded',
      'Unsupported parameter: response_format.json_schema',
    ]) expect(scrubSecrets(text, ['the-endpoint-key-123'])).toBe(text);
  });

  it('does not treat short or missing secrets as text to mask', () => {
    expect(scrubSecrets('a b c', ['a', undefined, ''])).toBe('a b c');
  });
});
