// Small request helpers for the e2e tests.
import { TENANT_KEY } from './config.ts';

export const MESSAGES = [{ role: 'user', content: 'How do circuit breakers protect an LLM gateway?' }];

export function chat(url: string, body: Record<string, unknown>, init: { key?: string | null; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  const key = init.key === undefined ? TENANT_KEY : init.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'sim-small', messages: MESSAGES, ...body }),
    signal: init.signal,
  });
}
