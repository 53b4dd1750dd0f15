import { GatewayError } from '../errors';
import { scrubSecrets } from './scrub';

export interface UpstreamErrorOptions {
  /** Secrets to mask in the provider's text besides anything key-shaped: the endpoint's key. */
  secrets?: ReadonlyArray<string | undefined>;
  /** `Retry-After` is advice, bounded here: a provider cannot park an endpoint for days. */
  maxRetryAfterSeconds?: number;
}

/** Longest provider text passed on to a client. */
const MAX_PROVIDER_TEXT = 500;

/** Provider text fit for a client: secrets masked (before it is cut, so no half key survives), bounded. */
export function providerText(text: string, secrets: UpstreamErrorOptions['secrets']): string {
  return scrubSecrets(text, secrets).slice(0, MAX_PROVIDER_TEXT);
}

/**
 * Maps a provider's HTTP error to what the client sees. The client's own mistakes (400/413/422)
 * keep their status and the provider's message; the operator's problems (bad key, unknown model
 * upstream) become 502 so a client never thinks *its* key was rejected; provider messages on those
 * are dropped, since some echo part of the key. What is passed on is scrubbed of secrets.
 */
export function upstreamHttpError(status: number, body: string, retryAfterHeader: string | null, opts: UpstreamErrorOptions = {}): GatewayError {
  const upstream = readErrorBody(body, opts.secrets);
  const asked = parseRetryAfter(retryAfterHeader);
  const retryAfter = asked === undefined || opts.maxRetryAfterSeconds === undefined ? asked : Math.min(asked, opts.maxRetryAfterSeconds);
  if (status === 400 || status === 413 || status === 422) {
    return new GatewayError(`The model provider rejected the request: ${upstream.message ?? `HTTP ${status}`}`, {
      status,
      code: upstream.code ?? 'upstream_rejected',
      param: upstream.param,
    });
  }
  if (status === 401 || status === 403) {
    return new GatewayError('The gateway could not authenticate with the model provider.', { status: 502, code: 'upstream_auth_failed' });
  }
  if (status === 404) {
    return new GatewayError('The model provider does not know the configured model.', { status: 502, code: 'upstream_model_not_found' });
  }
  if (status === 408) {
    return new GatewayError('The model provider timed out.', { status: 504, code: 'upstream_timeout' });
  }
  if (status === 429) {
    return new GatewayError('The model provider is rate limiting the gateway; retry later.', {
      status: 429,
      code: 'upstream_rate_limited',
      retryAfter: retryAfter ?? 1,
      upstreamRetryAfter: retryAfter,
    });
  }
  if (status === 503) {
    return new GatewayError('The model provider is unavailable; retry later.', {
      status: 503,
      code: 'upstream_unavailable',
      retryAfter: retryAfter ?? 1,
      upstreamRetryAfter: retryAfter,
    });
  }
  return new GatewayError(`The model provider failed (HTTP ${status}).`, { status: 502, code: 'upstream_error' });
}

interface UpstreamErrorFields {
  message?: string;
  code?: string;
  param?: string;
}

function readErrorBody(body: string, secrets: UpstreamErrorOptions['secrets']): UpstreamErrorFields {
  try {
    const err = (JSON.parse(body) as { error?: Record<string, unknown> }).error;
    if (!err || typeof err !== 'object') return {};
    const text = (v: unknown) => (typeof v === 'string' ? providerText(v, secrets) : undefined);
    const code = text(err.code);
    return { message: text(err.message), code: code && providerCode(code), param: text(err.param) };
  } catch {
    return {};
  }
}

/** Codes the gateway answers with itself: a provider must not be able to claim them. */
const OWN_CODES = new Set(['internal_error', 'config_invalid', 'invalid_api_key', 'client_closed']);

/**
 * A provider's error code as the client may see it: an identifier-like word such as
 * `context_length_exceeded` passes unchanged; anything else, or one of the gateway's own codes,
 * becomes `upstream_rejected`.
 */
function providerCode(code: string): string {
  return /^[a-z][a-z0-9_.-]{0,63}$/i.test(code) && !OWN_CODES.has(code) ? code : 'upstream_rejected';
}

/** `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in whole seconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
