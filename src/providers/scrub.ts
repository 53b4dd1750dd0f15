/**
 * Provider text on its way to a client (error messages, codes, params) with secrets masked: the
 * exact keys given (the endpoint's own key, whatever its shape), then anything key-shaped —
 * `sk-…` style keys (masked ones like `sk-abc***xyz` too), `Bearer …` / `Basic …` credentials,
 * `api_key=…`-style assignments, and long opaque tokens mixing letters and digits. Some providers
 * echo the Authorization header they got; nothing they say is trusted (design §5).
 */
const REDACTED = '[redacted]';

/** Each pattern with its replacement (an assignment keeps its name: the reader learns what was masked). */
const KEY_SHAPED: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:sk|pk|rk)-[A-Za-z0-9_*.-]{6,}/g, REDACTED],
  [/\b(?:Bearer|Basic)\s+[^\s"',;)]+/gi, REDACTED],
  [/\b(api[_-]?key|access[_-]?token|token|secret|password)(["']?\s*[:=]\s*["']?)[^\s"',;)]+/gi, `$1$2${REDACTED}`],
  [/\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}\b/g, REDACTED],
];

/** Shorter "secrets" are not matched literally: masking every "abc" would garble the text. */
const MIN_SECRET_LENGTH = 8;

export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of KEY_SHAPED) out = out.replace(pattern, replacement);
  return out;
}
