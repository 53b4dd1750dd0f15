// Shared assertions for the e2e tests.
import { expect } from 'vitest';

/** An OpenAI-style error body with this status and code, carrying the response's request id. */
export async function expectError(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: Record<string, unknown> };
  expect(body.error).toMatchObject({ code, request_id: res.headers.get('x-request-id') });
  expect(typeof body.error.message).toBe('string');
  expect(typeof body.error.type).toBe('string');
  return body.error;
}
