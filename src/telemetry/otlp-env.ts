import type { Env } from '../env';

/**
 * Where traces go, from the standard OpenTelemetry exporter variables
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/): `OTEL_EXPORTER_OTLP_ENDPOINT`
 * is the base URL (`/v1/traces` is appended), `OTEL_EXPORTER_OTLP_HEADERS` the `k=v,k2=v2` list
 * (values URL-decoded; it may hold an API key, so it is never logged or shown),
 * `OTEL_EXPORTER_OTLP_TIMEOUT` ms per export, `OTEL_SERVICE_NAME` the resource's service name.
 */
export interface OtlpTarget {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  serviceName: string;
}

export type OtlpConfig = { ok: true; target: OtlpTarget } | { ok: false; error: string } | undefined;

/**
 * The export waits at most this long (the spec's default is 10 s; an export holds the request's
 * `waitUntil`, so less).
 */
export const DEFAULT_TIMEOUT_MS = 2000;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * `k=v,k2=v2` as headers: entries trimmed, split at the first `=`, keys and values
 * percent-decoded. An entry without a key or with an invalid name or encoding is skipped.
 */
export function parseOtlpHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of (raw ?? '').split(',')) {
    const eq = entry.indexOf('=');
    if (eq < 0) continue;
    try {
      const key = decodeURIComponent(entry.slice(0, eq).trim());
      const value = decodeURIComponent(entry.slice(eq + 1).trim());
      if (TOKEN.test(key) && !/[\r\n\0]/.test(value)) headers[key.toLowerCase()] = value;
    } catch {
      // malformed %-escape: skip the entry
    }
  }
  return headers;
}

/** The export target, undefined when tracing is off (no endpoint), or why the endpoint is unusable. */
export function otlpConfig(env: Pick<Env, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_HEADERS' | 'OTEL_EXPORTER_OTLP_TIMEOUT' | 'OTEL_SERVICE_NAME'>): OtlpConfig {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!base) return undefined;
  let url: URL;
  try {
    url = new URL(`${base.replace(/\/+$/, '')}/v1/traces`);
  } catch {
    return { ok: false, error: 'OTEL_EXPORTER_OTLP_ENDPOINT is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: 'OTEL_EXPORTER_OTLP_ENDPOINT must be http(s)' };
  const timeout = Number(env.OTEL_EXPORTER_OTLP_TIMEOUT);
  return {
    ok: true,
    target: {
      url: url.toString(),
      headers: parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
      timeoutMs: Number.isFinite(timeout) && timeout > 0 ? Math.min(timeout, 10_000) : DEFAULT_TIMEOUT_MS,
      serviceName: env.OTEL_SERVICE_NAME?.trim() || 'edge-llm-gateway',
    },
  };
}
