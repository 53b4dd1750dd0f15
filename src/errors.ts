/**
 * Every error the gateway answers with, as one exception type carrying its status and OpenAI-style
 * code. `app.onError` turns it into a JSON body; a stream that has already flushed turns it into a
 * final `data: {"error": …}` chunk (design §2). Handlers throw; they do not build error responses.
 */

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error';

export interface GatewayErrorOptions {
  status: number;
  code: string;
  type?: ErrorType;
  /** Seconds, sent as `Retry-After` on 429/503. */
  retryAfter?: number;
  /** Seconds the provider itself asked for in its `Retry-After`, if it did. */
  upstreamRetryAfter?: number;
  /** Extra fields for the error object (e.g. `param`). */
  param?: string;
  /** Response headers that belong with this error (e.g. RateLimit-*). */
  headers?: Record<string, string>;
  /** Extra fields of the error object (e.g. a schema violation's `errors`). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: ErrorType;
  readonly retryAfter?: number;
  readonly upstreamRetryAfter?: number;
  readonly param?: string;
  readonly headers?: Record<string, string>;
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.status = options.status;
    this.code = options.code;
    this.type = options.type ?? defaultType(options.status);
    this.retryAfter = options.retryAfter;
    this.upstreamRetryAfter = options.upstreamRetryAfter;
    this.param = options.param;
    this.headers = options.headers;
    this.details = options.details;
  }
}

export const isGatewayError = (err: unknown): err is GatewayError => err instanceof GatewayError;

/** A failure's short, low-cardinality name for traces (`error.type`): its code, else its class. */
export const errorType = (err: unknown): string => (isGatewayError(err) ? err.code : err instanceof Error ? err.name : 'error');

function defaultType(status: number): ErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 408 || status === 504) return 'timeout_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export interface ErrorBody {
  error: { message: string; type: ErrorType; code: string; param: string | null; request_id: string };
}

export function errorBody(err: GatewayError, requestId: string): ErrorBody {
  return {
    error: { ...err.details, message: err.message, type: err.type, code: err.code, param: err.param ?? null, request_id: requestId },
  };
}

/** Anything that is not a GatewayError is a bug: answer 500 without leaking its message. */
export function toGatewayError(err: unknown): GatewayError {
  if (isGatewayError(err)) return err;
  // The client went away (request.signal, a cancelled stream): nobody to answer, not a bug.
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'ClientGoneError')) {
    return new GatewayError('The client closed the request.', { status: 499, code: 'client_closed', cause: err });
  }
  return new GatewayError('The gateway hit an internal error.', { status: 500, code: 'internal_error', cause: err });
}

/** A bug's details go to the log (with the request id to find it), never to the client. */
export function logInternalError(requestId: string, cause: unknown): void {
  const detail = cause instanceof Error ? `${cause.name}: ${cause.message}\n${cause.stack ?? ''}` : String(cause);
  console.error(JSON.stringify({ msg: 'internal error', request_id: requestId, error: detail }));
}

// The constructors below are the whole vocabulary of client-facing errors.

export const invalidJson = (detail: string) =>
  new GatewayError(`The request body is not valid JSON: ${detail}`, { status: 400, code: 'invalid_json' });

export const invalidRequest = (message: string, param?: string) =>
  new GatewayError(message, { status: 400, code: 'invalid_request', param });

export const unauthorized = () =>
  new GatewayError('Missing or invalid API key. Send it as "Authorization: Bearer <key>".', {
    status: 401,
    code: 'invalid_api_key',
  });

export const modelNotAllowed = (model: string) =>
  new GatewayError(`Model "${model}" is not enabled for this API key.`, { status: 403, code: 'model_not_allowed', param: 'model' });

export const modelNotFound = (model: string) =>
  new GatewayError(`The model "${model}" does not exist. GET /v1/models lists the models you can use.`, {
    status: 404,
    code: 'model_not_found',
    param: 'model',
  });

/** A chat model asked for embeddings, or an embedding model (or a routing alias) for a chat answer. */
export const wrongModelKind = (model: string, wanted: 'chat' | 'embedding') =>
  new GatewayError(
    wanted === 'embedding'
      ? `The model "${model}" is not an embedding model; /v1/embeddings takes models of kind "embedding" (GET /v1/models lists each model's kind).`
      : `The model "${model}" is an embedding model; use POST /v1/embeddings, or a chat model here (GET /v1/models lists each model's kind).`,
    { status: 400, code: 'invalid_model_kind', param: 'model' },
  );

export const contextLengthExceeded = (model: string, window: number, prompt: number, completion?: number) =>
  new GatewayError(
    `This model's maximum context length is ${window} tokens; the request needs about ${prompt} for the messages` +
      (completion === undefined ? '.' : ` and ${completion} for the completion. Lower max_tokens or shorten the messages.`),
    { status: 400, code: 'context_length_exceeded', param: completion === undefined ? 'messages' : 'max_tokens' },
  );

export const maxTokensTooLarge = (field: string, model: string, limit: number) =>
  new GatewayError(`${field} is too large: "${model}" writes at most ${limit} completion tokens.`, { status: 400, code: 'invalid_value', param: field });

export const routeNotFound = (method: string, path: string) =>
  new GatewayError(`No route for ${method} ${path}.`, { status: 404, code: 'not_found' });

export const bodyTooLarge = (limit: number) =>
  new GatewayError(`The request body is larger than ${limit} bytes.`, { status: 413, code: 'request_too_large' });

export const bodyTimeout = (ms: number) =>
  new GatewayError(`The request body did not arrive within ${ms} ms.`, { status: 408, code: 'request_timeout' });

export const adminUnauthorized = () =>
  new GatewayError('Missing admin token. Send it as "Authorization: Bearer <ADMIN_TOKEN>".', { status: 401, code: 'invalid_admin_token' });

export const adminForbidden = () => new GatewayError('The admin token is not valid.', { status: 403, code: 'admin_forbidden' });

export const adminDisabled = () =>
  new GatewayError('The admin API is disabled: set the ADMIN_TOKEN secret (wrangler secret put ADMIN_TOKEN) to enable it.', {
    status: 403,
    code: 'admin_disabled',
  });

export const configInvalid = (detail: string) =>
  new GatewayError(`The gateway configuration is invalid: ${detail}`, { status: 500, code: 'config_invalid' });

export const statsUnavailable = (cause: unknown) =>
  new GatewayError('The stats store (the GATEWAY_STATS Durable Object) did not answer.', { status: 503, code: 'stats_unavailable', retryAfter: 5, cause });

export const upstreamTimeout = (what: string, ms: number) =>
  new GatewayError(`The model provider did not send ${what} within ${ms} ms.`, { status: 504, code: 'upstream_timeout' });

export const deadlineExceeded = (ms: number) =>
  new GatewayError(`The request did not finish within its ${ms} ms deadline.`, { status: 504, code: 'deadline_exceeded' });

export const upstreamUnreachable = (cause: unknown) =>
  new GatewayError('The model provider could not be reached.', { status: 502, code: 'upstream_unreachable', cause });

export const upstreamBroken = (detail: string) =>
  new GatewayError(`The model provider's stream failed: ${detail}`, { status: 502, code: 'upstream_stream_error' });

export const canaryNotFound = (id: string) =>
  new GatewayError(`There is no canary "${id}" in the configuration.`, { status: 404, code: 'canary_not_found', param: 'id' });
